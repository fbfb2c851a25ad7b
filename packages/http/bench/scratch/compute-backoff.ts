/** Options for {@link computeBackoff}. */
export interface BackoffOptions {
  /**
   * Delay ceiling before jitter for the first retry.
   * @default 500
   */
  baseDelayMs?: number | undefined;
  /**
   * Cap on the exponential ceiling.
   * @default 8000
   */
  maxDelayMs?: number | undefined;
  /**
   * Random source in [0, 1), injectable for tests.
   * @default Math.random
   */
  random?: (() => number) | undefined;
}

/**
 * Exponential backoff with full jitter: a uniform delay in `[0, min(maxDelayMs, baseDelayMs * 2^attempt))`.
 * `attempt` counts retries from 0 (the wait before the first retry). Full jitter spreads a
 * crowd of clients that failed together, so they do not retry in lock step.
 */
export function computeBackoff(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseDelayMs ?? 500;
  const cap = opts.maxDelayMs ?? 8000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
