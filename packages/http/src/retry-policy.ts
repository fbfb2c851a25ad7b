// Which failures are retried and how long to wait: server hints (Retry-After, X-Backoff-Ms,
// retry_after_ms) win over computed backoff; POST and PATCH repeat only when idempotent.
import { ApiError, ConnectionError, TimeoutError, type UplinkError } from '@uplink/core-schemas';
import { computeBackoff } from './compute-backoff.js';

/** How failed attempts are retried. Server hints always win over the computed backoff. */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Statuses that are retried.
   * @default [408, 429, 500, 502, 503, 504]
   */
  statuses?: number[] | undefined;
  /**
   * Backoff ceiling for the first retry (full jitter, doubling per retry).
   * @default 500
   */
  baseDelayMs?: number | undefined;
  /**
   * Cap on the computed backoff.
   * @default 8000
   */
  maxDelayMs?: number | undefined;
  /**
   * A server hint longer than this is not waited out: the error is thrown with `retryAfterMs` set.
   * @default 60000
   */
  maxRetryDelayMs?: number | undefined;
}

/** {@link RetryOptions} with every default applied. */
export interface ResolvedRetryPolicy {
  maxRetries: number;
  statuses: ReadonlySet<number>;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryDelayMs: number;
}

/** Statuses retried by default. */
export const DEFAULT_RETRY_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

/** Methods that are safe to repeat without an idempotency key. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/** Merge call-level over client-level retry options; `false` at either level disables retries. */
export function resolveRetryPolicy(
  client: RetryOptions | false | undefined,
  call: RetryOptions | false | undefined,
): ResolvedRetryPolicy {
  const off = client === false || call === false;
  const merged: RetryOptions = { ...(client || {}), ...(call || {}) };
  return {
    maxRetries: off ? 0 : Math.max(0, Math.floor(merged.maxRetries ?? 2)),
    statuses: new Set(merged.statuses ?? DEFAULT_RETRY_STATUSES),
    baseDelayMs: merged.baseDelayMs ?? 500,
    maxDelayMs: merged.maxDelayMs ?? 8000,
    maxRetryDelayMs: merged.maxRetryDelayMs ?? 60_000,
  };
}

/**
 * Whether a call may be repeated: safe methods always; POST and PATCH only with an
 * idempotency key or when the caller marks the call idempotent, so a retry never creates
 * a duplicate.
 */
export function isRetryableCall(
  method: string,
  options: { idempotencyKey?: string | undefined; idempotent?: boolean | undefined },
): boolean {
  if (options.idempotent !== undefined) return options.idempotent;
  return IDEMPOTENT_METHODS.has(method) || options.idempotencyKey !== undefined;
}

/**
 * The wait before the next attempt, or `undefined` when the failure must be thrown.
 * `deadline` is on the `performance.now()` clock.
 */
export function retryDelayFor(
  failure: UplinkError,
  attempt: number,
  maxRetries: number,
  policy: ResolvedRetryPolicy,
  deadline: number | undefined,
): number | undefined {
  if (attempt >= maxRetries) return undefined;
  let delayMs: number;
  if (failure instanceof ApiError) {
    if (!policy.statuses.has(failure.status) || failure.retriable === false) return undefined;
    const hint = failure.retryAfterMs;
    if ((hint ?? 0) > policy.maxRetryDelayMs) return undefined;
    delayMs = hint ?? computeBackoff(attempt, policy);
  } else if (failure instanceof ConnectionError || failure instanceof TimeoutError) {
    delayMs = computeBackoff(attempt, policy);
  } else return undefined;
  // A wait that would outlast the total timeout only turns a clear error into a timeout.
  if (performance.now() + delayMs >= (deadline ?? Number.POSITIVE_INFINITY)) return undefined;
  return delayMs;
}
