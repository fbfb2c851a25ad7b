// docs/protocols/llama-orch.md §5.3, §5.4 and §16: admission refusals are not retried unless the caller
// asks. This is the one retry loop of this package, for answers that prove the task was not
// admitted; it uses @uplink/http's backoff and honours the server's delay hint.
import { ApiError, ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import { computeBackoff, type Logger, sleep } from '@uplink/http';
import { AdmissionRejectedError } from './enqueue-errors.js';

/**
 * Opt-in retry of admission refusals: 429 (`ADMISSION_REJECT`, `QUEUE_FULL_DROP_LRU`) and 503
 * pool errors the server marks `retriable`. Both prove the task was not admitted, so a retry
 * cannot admit it twice. Each wait is the server's hint (`X-Backoff-Ms`, `retry_after_ms`,
 * `Retry-After`), else a full-jitter exponential backoff. A lost answer is never retried.
 */
export interface AdmissionRetryOptions {
  /**
   * Admissions tried after the first refusal.
   * @default 3
   */
  maxRetries?: number | undefined;
  /**
   * Backoff ceiling for the first retry when the server gives no hint (doubling per retry).
   * @default 500
   */
  baseDelayMs?: number | undefined;
  /**
   * Cap on the computed backoff.
   * @default 8000
   */
  maxDelayMs?: number | undefined;
  /**
   * A server hint longer than this is not waited out: the refusal is thrown at once.
   * @default 60000
   */
  maxRetryDelayMs?: number | undefined;
}

interface ResolvedAdmissionRetry {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryDelayMs: number;
}

const DEFAULTS: Readonly<ResolvedAdmissionRetry> = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryDelayMs: 60_000,
};

/** Validate `admissionRetry`, listing every problem in one {@link ConfigurationError}. */
export function resolveAdmissionRetry(options: AdmissionRetryOptions): ResolvedAdmissionRetry {
  const problems: ConfigurationProblem[] = [];
  const resolved = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as (keyof ResolvedAdmissionRetry)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (
      typeof value !== 'number' ||
      !(value >= 0) ||
      !Number.isFinite(value) ||
      (name === 'maxRetries' && !Number.isInteger(value))
    ) {
      problems.push({
        setting: `admissionRetry.${name}`,
        message: `expected a number >= 0${name === 'maxRetries' ? ' (whole)' : ''}, got ${String(value)}`,
      });
    } else resolved[name] = value;
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return resolved;
}

/** Whether `error` proves the task was not admitted and the server invites a retry. */
export function isAdmissionRefusal(error: unknown): error is ApiError {
  if (error instanceof AdmissionRejectedError) return error.retriable !== false;
  return error instanceof ApiError && error.status === 503 && error.retriable === true;
}

/**
 * Run `enqueue` once, or, with `options`, again after each admission refusal until it is
 * admitted, the retries are spent, a hint exceeds `maxRetryDelayMs`, or `signal` aborts.
 */
export async function withAdmissionRetry<T>(
  enqueue: () => Promise<T>,
  options: AdmissionRetryOptions | undefined,
  context: { signal: AbortSignal; logger: Logger; taskId: string },
): Promise<T> {
  if (options === undefined) return enqueue();
  const policy = resolveAdmissionRetry(options);
  for (let attempt = 0; ; attempt++) {
    try {
      return await enqueue();
    } catch (error) {
      if (!isAdmissionRefusal(error) || attempt >= policy.maxRetries) throw error;
      const hint = error.retryAfterMs;
      if (hint !== undefined && hint > policy.maxRetryDelayMs) throw error;
      const delayMs = hint ?? computeBackoff(attempt, policy);
      context.logger.debug('admission refused, retrying', {
        taskId: context.taskId,
        code: error.code,
        attempt: attempt + 1,
        delayMs,
      });
      await sleep(delayMs, context.signal);
    }
  }
}
