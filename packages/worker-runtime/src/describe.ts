// The words of the worker's log lines and fatal errors, in one place so every line reads alike.
import { ApiError, ConnectionError, TimeoutError } from '@uplink/core-schemas';

/** A duration for people: `2 s`, `0.5 s`, `1.25 s`, `90 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 0))} s`;
}

/** `host:port` of a URL (`api.luml.ai`, `127.0.0.1:8000`), or the text itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The most specific reason a connection failed: the system error code, else the innermost message. */
function connectionReason(error: Error): string {
  let reason = error.message;
  for (let cause: unknown = error.cause, depth = 0; cause && depth < 5; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string' && message) reason = message;
    cause = (cause as { cause?: unknown }).cause;
  }
  return reason;
}

/** A short, one-line reason for a failed platform call. */
export function shortReason(error: unknown): string {
  if (error instanceof TimeoutError) {
    return error.timeoutMs === undefined
      ? 'timed out'
      : `no answer within ${seconds(error.timeoutMs)}`;
  }
  if (error instanceof ConnectionError) return connectionReason(error);
  if (error instanceof ApiError) {
    const detail = error.message.split('\n', 1)[0]?.slice(0, 120);
    return detail && !detail.includes(`HTTP ${error.status}`)
      ? `HTTP ${error.status}: ${detail}`
      : `HTTP ${error.status}`;
  }
  return error instanceof Error ? error.message.split('\n', 1)[0] || error.name : String(error);
}

/** `platform unreachable (host: ECONNREFUSED), retrying in 2 s`, or `platform error (…)` for HTTP errors. */
export function retryLine(error: unknown, host: string, delayMs: number): string {
  const what =
    error instanceof ConnectionError || error instanceof TimeoutError
      ? 'platform unreachable'
      : 'platform error';
  return `${what} (${host}: ${shortReason(error)}), retrying in ${seconds(delayMs)}`;
}

/** Where the satellite token came from, for hints: the variable that held it, or `settings.token`. */
export type TokenSource = string;

/**
 * The one-line message of a 401/403 from the platform, with what to check. Never the token.
 * `during` is `pairing` or `polling`.
 */
export function tokenRefusedMessage(
  status: number,
  source: TokenSource,
  during: 'pairing' | 'polling',
): string {
  const when = during === 'polling' ? ' while polling' : '';
  const stopped = during === 'polling' ? '; stopped instead of polling forever' : '';
  const hint =
    status === 403
      ? `Check ${source}: it must be a satellite key (dfssat_…), not a user API key`
      : `Check ${source}; was the key rotated or revoked?`;
  return `the platform refused the satellite token${when} (HTTP ${status})${stopped}. ${hint}`;
}
