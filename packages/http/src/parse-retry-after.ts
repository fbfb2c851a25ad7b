// docs/protocols/llama-orch.md §3.2 and §11.2 (backpressure hints: Retry-After, X-Backoff-Ms,
// retry_after_ms).

/** A hint in milliseconds: a finite number >= 0, rounded; anything else (a string, null) is none. */
const toMs = (value: unknown): number | undefined =>
  Number.isFinite(value) && (value as number) >= 0 ? Math.round(value as number) : undefined;

function numberHeader(headers: Headers, name: string, scale: number): number | undefined {
  // Stryker disable next-line MethodExpression: Headers already strips a value's surrounding whitespace
  const raw = headers.get(name)?.trim();
  if (!raw || !/^\d+(\.\d+)?$/.test(raw)) return undefined;
  return toMs(Number(raw) * scale);
}

/**
 * The delay a server asked for before retrying, in milliseconds, or `undefined` when it gave
 * none. Millisecond hints (`retry-after-ms`, `X-Backoff-Ms`, a JSON body's `retry_after_ms`)
 * win over `Retry-After` (seconds or an HTTP date; a past date gives 0), which only has whole
 * seconds: llama-orch sends `Retry-After: 1` beside `X-Backoff-Ms: 1500`. When several
 * millisecond hints disagree the largest wins, since retrying before any of them is early.
 */
export function parseRetryAfter(headers: Headers, body?: unknown): number | undefined {
  const precise: (number | undefined)[] = [
    numberHeader(headers, 'retry-after-ms', 1),
    numberHeader(headers, 'x-backoff-ms', 1),
  ];
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    precise.push(toMs((body as Record<string, unknown>).retry_after_ms));
  }
  const given = precise.filter((hint) => hint !== undefined);
  return given.length > 0 ? Math.max(...given) : retryAfterHeader(headers);
}

/** `Retry-After` as seconds or an HTTP date. */
function retryAfterHeader(headers: Headers): number | undefined {
  // Stryker disable next-line MethodExpression: Headers already strips a value's surrounding whitespace
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = numberHeader(headers, 'retry-after', 1000);
  if (seconds !== undefined) return seconds;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
