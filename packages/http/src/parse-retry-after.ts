// llama-orch-protocol §11 (backpressure headers: Retry-After, X-Backoff-Ms, retry_after_ms).

const toMs = (value: number): number | undefined =>
  Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;

function numberHeader(headers: Headers, name: string, scale: number): number | undefined {
  const raw = headers.get(name)?.trim();
  if (!raw || !/^\d+(\.\d+)?$/.test(raw)) return undefined;
  return toMs(Number(raw) * scale);
}

/**
 * The delay a server asked for before retrying, in milliseconds, or `undefined` when it gave
 * none. Sources, first match wins: `retry-after-ms`, `Retry-After` (seconds or an HTTP date;
 * a past date gives 0), `X-Backoff-Ms`, then a JSON body's `retry_after_ms`.
 */
export function parseRetryAfter(headers: Headers, body?: unknown): number | undefined {
  const ms = numberHeader(headers, 'retry-after-ms', 1);
  if (ms !== undefined) return ms;
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    const seconds = numberHeader(headers, 'retry-after', 1000);
    if (seconds !== undefined) return seconds;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const backoff = numberHeader(headers, 'x-backoff-ms', 1);
  if (backoff !== undefined) return backoff;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const value = (body as Record<string, unknown>).retry_after_ms;
    if (typeof value === 'number') return toMs(value);
  }
  return undefined;
}
