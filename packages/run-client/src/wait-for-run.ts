// docs/protocols/agent-sdk.md §1.6 and §6: poll a run to a final status, for runs whose stream
// was lost (or never opened).
import {
  ApiError,
  ConnectionError,
  InternalServerError,
  RateLimitError,
  TimeoutError,
} from '@uplink/core-schemas';
import { isFinalRunStatus, type RunMetadata } from '@uplink/core-schemas/agent-sdk';
import { sleep } from '@uplink/http';

/** Options of `RunClient.waitForRun`. */
export interface WaitForRunOptions {
  /** Stops waiting (`AbortError`). */
  signal?: AbortSignal | undefined;
  /**
   * Give up after this long (`WaitTimeoutError`, with the last run seen).
   * @default 3900000 (the longest run timeout, 3600 s, plus five minutes)
   */
  timeoutMs?: number | undefined;
  /**
   * Wait before the second poll; each later wait doubles, up to `maxIntervalMs`. The first
   * poll is immediate.
   * @default 250
   */
  intervalMs?: number | undefined;
  /** Longest wait between polls. @default 5000 */
  maxIntervalMs?: number | undefined;
  /**
   * Transient failures in a row (connection, timeout, 429, 5xx after the transport's own
   * retries) before the last one is thrown.
   * @default 5
   */
  maxTransientFailures?: number | undefined;
  /** Called with every record read, final or not. */
  onProgress?: ((run: RunMetadata) => void) | undefined;
  /** `X-Request-Id` of every poll. @default a new UUID per call */
  requestId?: string | undefined;
}

/** `waitForRun` gave up before the run reached a final status. */
export class WaitTimeoutError extends TimeoutError {
  static override readonly errorName: string = 'WaitTimeoutError';
  /** The last record read, when one was. */
  readonly lastRun: RunMetadata | undefined;

  constructor(message: string, init: { timeoutMs: number; lastRun: RunMetadata | undefined }) {
    super(message, { timeout: 'wait', timeoutMs: init.timeoutMs });
    this.lastRun = init.lastRun;
  }
}

const isTransient = (error: unknown): boolean =>
  error instanceof ConnectionError ||
  error instanceof InternalServerError ||
  error instanceof RateLimitError ||
  (error instanceof TimeoutError && !(error instanceof WaitTimeoutError));

/**
 * Poll `read` until the run's status is final (`completed`, `error`, `timeout`, `canceled`):
 * once at once, then after `intervalMs`, doubling to `maxIntervalMs`. Returns the final record
 * (a failed run is a result: check `status`). Throws `WaitTimeoutError` after `timeoutMs`,
 * `AbortError` on abort, and any non-transient error (`NotFoundError` for an unknown run) at once.
 */
export async function pollRun(
  read: (signal: AbortSignal | undefined) => Promise<RunMetadata>,
  options: WaitForRunOptions = {},
): Promise<RunMetadata> {
  const timeoutMs = options.timeoutMs ?? 3_900_000;
  const maxIntervalMs = options.maxIntervalMs ?? 5000;
  const maxFailures = options.maxTransientFailures ?? 5;
  const deadline = Date.now() + timeoutMs;
  let delay = options.intervalMs ?? 250;
  let lastRun: RunMetadata | undefined;
  let failures = 0;
  for (let poll = 0; ; poll++) {
    try {
      lastRun = await read(options.signal);
      failures = 0;
      options.onProgress?.(lastRun);
      if (isFinalRunStatus(lastRun.status)) return lastRun;
    } catch (error) {
      if (!isTransient(error) || ++failures > maxFailures) throw error;
      if (error instanceof ApiError && error.retryAfterMs !== undefined) {
        delay = Math.max(delay, error.retryAfterMs);
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new WaitTimeoutError(
        `The run did not reach a final status within ${timeoutMs} ms (${poll + 1} poll(s); last status: ${lastRun?.status ?? 'unknown'})`,
        { timeoutMs, lastRun },
      );
    }
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(maxIntervalMs, delay * 2);
  }
}
