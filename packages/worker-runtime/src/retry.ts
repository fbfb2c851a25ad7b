import {
  AbortError,
  ApiError,
  ConnectionError,
  RateLimitError,
  TimeoutError,
} from '@uplink/core-schemas';
import { computeBackoff, sleep } from '@uplink/http';

/** Options for {@link retry}. */
export interface RetryOptions {
  /**
   * Attempts in total, the first included.
   * @default 3
   */
  maxAttempts?: number | undefined;
  /**
   * Wait before attempt `n + 1`: full-jitter exponential (`computeBackoff` from `@uplink/http`)
   * with these bounds, or a function of the attempt number (1-based) that returns milliseconds.
   * A server's `Retry-After` (on `RateLimitError`) replaces it, capped at 60 s.
   * @default { baseDelayMs: 500, maxDelayMs: 8000 }
   */
  backoff?:
    | { baseDelayMs?: number | undefined; maxDelayMs?: number | undefined }
    | ((attempt: number) => number)
    | undefined;
  /**
   * Whether to retry after this error.
   * @default {@link isTransientError}
   */
  retryOn?: ((error: unknown, attempt: number) => boolean) | undefined;
  /** Called before each wait, for logging. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
  /** Stops waiting and retrying; the pending wait rejects with `AbortError`. */
  signal?: AbortSignal | undefined;
}

/**
 * True for failures that may pass on their own: connection errors, timeouts, and HTTP
 * 408, 425, 429 and 5xx. Aborts are never transient.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof AbortError) return false;
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  if (error instanceof ApiError) {
    return [408, 425, 429].includes(error.status) || error.status >= 500;
  }
  return false;
}

/**
 * Call `fn` until it succeeds, an error is not retryable, or `maxAttempts` is reached; the
 * last error is rethrown. Waits use `computeBackoff` and `sleep` from `@uplink/http`.
 *
 * @example
 * const deployment = await retry((attempt, signal) => client.getDeployment(id, { signal }), {
 *   maxAttempts: 5,
 * });
 */
export async function retry<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const retryOn = options.retryOn ?? isTransientError;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new AbortError();
    try {
      return await fn(attempt, options.signal);
    } catch (error) {
      if (attempt >= maxAttempts || options.signal?.aborted || !retryOn(error, attempt))
        throw error;
      const delayMs = retryDelayMs(error, attempt, options.backoff);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}

const MAX_HINT_MS = 60_000;

/** The wait before the next attempt: backoff, or the server's `Retry-After` hint. */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  backoff: RetryOptions['backoff'],
): number {
  const base =
    typeof backoff === 'function'
      ? backoff(attempt)
      : computeBackoff(attempt - 1, {
          baseDelayMs: backoff?.baseDelayMs ?? 500,
          maxDelayMs: backoff?.maxDelayMs ?? 8000,
        });
  const hinted = error instanceof RateLimitError ? error.retryAfterMs : undefined;
  // The server's hint is honoured as given (even 0), capped so a bad hint cannot stall us.
  return Math.max(0, hinted !== undefined ? Math.min(hinted, MAX_HINT_MS) : base);
}
