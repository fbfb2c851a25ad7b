// docs/protocols/ai-spine.md §5.1, §5.2 and §10 (the wait loop).
import { ApiError, ConnectionError, TimeoutError } from '@uplink/core-schemas';
import { type ExecutionContext, isTerminalExecutionStatus } from '@uplink/core-schemas/ai-spine';
import { anySignal, computeBackoff, sleep } from '@uplink/http';
import { ExecutionError, InvalidArgumentError, WaitTimeoutError } from './errors.js';
import type { OutputOptions } from './typed-output.js';
import type { CallOptions } from './types.js';

/** What {@link WaitOptions.onProgress} receives with each execution seen. */
export interface WaitProgress {
  /** 1 for the first poll. */
  attempt: number;
  /** Milliseconds since the wait started. */
  elapsedMs: number;
}

/**
 * Options for `waitForExecution` and `executeAndWait`. `TOutput` is the type of the returned
 * execution's `output_data` (see `output`).
 */
export interface WaitOptions<TOutput = Record<string, unknown>>
  extends CallOptions,
    OutputOptions<TOutput> {
  /**
   * Give up after this long and throw {@link WaitTimeoutError}. `0` polls once and throws
   * unless that poll is terminal; `Infinity` waits until the run ends or `signal` aborts.
   * @default 300000
   */
  timeoutMs?: number | undefined;
  /**
   * The steady delay between polls, reached after a short ramp (see `initialIntervalMs`); the
   * last delay is clamped to the time left. `0` polls back to back; after a transient failure
   * the next poll still waits at least 250 ms, growing with backoff.
   * @default 2000
   */
  intervalMs?: number | undefined;
  /**
   * The first delay. The first poll is sent at once; a run that is not finished yet is polled
   * again after `initialIntervalMs`, then after twice that, and so on, doubling until the
   * delay reaches `intervalMs`. With the defaults, polls go out at 0, 0.1, 0.3, 0.7, 1.5 and
   * 3.1 s, then every 2 s: a run that takes a few milliseconds is seen finished about 0.1 s
   * after it started, not a whole interval later. Set it to `intervalMs` to poll at a fixed
   * interval from the start.
   * @default 100 (or intervalMs, when that is smaller)
   */
  initialIntervalMs?: number | undefined;
  /**
   * Keep growing the delay once the ramp reaches `intervalMs`: `true` uses `@uplink/http`'s
   * jittered exponential backoff starting at `intervalMs`, capped at 30 s; an object sets the
   * cap. Past the ramp the delay is never shorter than `intervalMs`. `false` polls every
   * `intervalMs`.
   * @default false
   */
  backoff?: boolean | { maxIntervalMs?: number | undefined } | undefined;
  /** Called with every execution seen, the terminal one included. */
  onProgress?: ((execution: ExecutionContext, progress: WaitProgress) => void) | undefined;
  /**
   * Throw {@link ExecutionError} when the run ends `failed`. With `false` the failed
   * execution is returned like any other terminal one.
   * @default true
   */
  throwOnFailure?: boolean | undefined;
}

const DEFAULT_MAX_INTERVAL_MS = 30_000;
const DEFAULT_INITIAL_INTERVAL_MS = 100;
const MIN_FAILURE_DELAY_MS = 250;
const MAX_TIMER_MS = 2_147_483_647;

/** An error worth polling through: the server or network may recover before the deadline. */
function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  if (error instanceof TimeoutError) return error.timeout === 'attempt';
  return error instanceof ApiError && [408, 429, 502, 503, 504].includes(error.status);
}

function checkOptions(timeoutMs: number, intervalMs: number, initialIntervalMs: number): void {
  const problems = [];
  if (!(initialIntervalMs > 0 && Number.isFinite(initialIntervalMs))) {
    problems.push({
      setting: 'initialIntervalMs',
      message: `expected a finite number > 0, received ${initialIntervalMs}`,
    });
  }
  if (!(timeoutMs >= 0)) {
    problems.push({
      setting: 'timeoutMs',
      message: `expected a number >= 0, received ${timeoutMs}`,
    });
  }
  if (!(intervalMs >= 0 && Number.isFinite(intervalMs))) {
    problems.push({
      setting: 'intervalMs',
      message: `expected a finite number >= 0, received ${intervalMs}`,
    });
  }
  if (problems.length > 0) throw new InvalidArgumentError(problems);
}

/** How the delay after each unfinished poll is chosen (see {@link WaitOptions}). */
interface PollSchedule {
  initialIntervalMs: number;
  intervalMs: number;
  backoff: boolean;
  maxIntervalMs: number;
}

/**
 * The delay after the `polls`-th poll that found the run unfinished (1 for the first): the
 * ramp `initialIntervalMs`, doubling, while it is below `intervalMs`; then `intervalMs`, or
 * with backoff a jittered exponential delay from `intervalMs`, never shorter than it.
 */
export function pollDelay(polls: number, schedule: PollSchedule): number {
  const { initialIntervalMs, intervalMs } = schedule;
  let ramp = initialIntervalMs;
  let step = 1;
  while (step < polls && ramp < intervalMs) {
    ramp *= 2;
    step++;
  }
  if (ramp < intervalMs) return ramp;
  if (!schedule.backoff) return intervalMs;
  // Full jitter alone could draw a delay near 0 and poll back to back: never go below
  // intervalMs, so backoff only ever slows polling down.
  return Math.max(
    intervalMs,
    computeBackoff(polls - step, { baseDelayMs: intervalMs, maxDelayMs: schedule.maxIntervalMs }),
  );
}

/**
 * Poll `getExecution` until the execution reaches `completed`, `failed` or `cancelled`: the
 * first poll at once, then on the schedule {@link WaitOptions} describes.
 *
 * The flow client's own loop (retries of single requests stay in the transport), built on
 * `@uplink/http`'s `sleep` and `computeBackoff`. Transient failures (connection errors,
 * 408/429/502/503/504 after the transport's own retries) are polled through until the
 * deadline, honouring a server's retry hint; any other error ends the wait. A request in
 * flight when the deadline passes is aborted, so the wait never overruns `timeoutMs`.
 * `cancelled` ends the wait but is not final: the backend may later overwrite it (§5.2).
 */
export async function waitForExecution(
  getExecution: (id: string, options: CallOptions) => Promise<ExecutionContext>,
  executionId: string,
  options: WaitOptions<unknown> = {},
): Promise<ExecutionContext> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const intervalMs = options.intervalMs ?? 2_000;
  const initialIntervalMs =
    options.initialIntervalMs ??
    (intervalMs > 0
      ? Math.min(DEFAULT_INITIAL_INTERVAL_MS, intervalMs)
      : DEFAULT_INITIAL_INTERVAL_MS);
  checkOptions(timeoutMs, intervalMs, initialIntervalMs);
  const maxIntervalMs =
    typeof options.backoff === 'object'
      ? (options.backoff.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS)
      : DEFAULT_MAX_INTERVAL_MS;
  const schedule: PollSchedule = {
    initialIntervalMs,
    intervalMs,
    backoff: Boolean(options.backoff),
    maxIntervalMs,
  };
  // Monotonic: a wall-clock step (NTP, a restored VM) must neither end nor stretch the wait.
  const started = performance.now();
  const deadline = started + timeoutMs;
  const expiry = new AbortController();
  // setTimeout cannot hold more than ~24.8 days; longer waits rely on the check in pause().
  const timer =
    timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS
      ? setTimeout(() => expiry.abort(), timeoutMs)
      : undefined;
  const combined = anySignal([options.signal, expiry.signal]);
  let last: ExecutionContext | undefined;
  const timedOut = (cause?: unknown): WaitTimeoutError =>
    new WaitTimeoutError(
      `Execution ${executionId} did not finish within ${timeoutMs} ms (last status: ${last?.status ?? 'unknown'})`,
      { executionId, timeoutMs, lastExecution: last, cause },
    );

  try {
    for (let attempt = 1, failures = 0, unfinished = 0; ; attempt++) {
      try {
        last = await getExecution(executionId, { signal: combined.signal });
        failures = 0;
      } catch (error) {
        if (expiry.signal.aborted) throw timedOut(error);
        if (!isTransient(error)) throw error;
        failures++;
        const hint = error instanceof ApiError ? error.retryAfterMs : undefined;
        // Failures back off from at least MIN_FAILURE_DELAY_MS even with `intervalMs: 0`: a
        // refused connection fails at once, and polling it back to back would hammer the host.
        const base = Math.max(intervalMs, MIN_FAILURE_DELAY_MS);
        await pause(
          hint ??
            Math.max(
              base,
              computeBackoff(failures - 1, {
                baseDelayMs: base,
                maxDelayMs: Math.max(maxIntervalMs, base),
              }),
            ),
        );
        continue;
      }
      options.onProgress?.(last, { attempt, elapsedMs: Math.round(performance.now() - started) });
      if (isTerminalExecutionStatus(last.status)) {
        if (last.status === 'failed' && options.throwOnFailure !== false) {
          throw new ExecutionError(
            `Execution ${executionId} of flow "${last.flow_id}" failed: ${last.error_message ?? 'the server gave no error message'}`,
            {
              executionId,
              flowId: last.flow_id,
              status: last.status,
              serverMessage: last.error_message,
              execution: last,
            },
          );
        }
        return last;
      }
      unfinished++;
      await pause(pollDelay(unfinished, schedule));
    }
  } finally {
    clearTimeout(timer);
    combined.dispose();
  }

  async function pause(delayMs: number): Promise<void> {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw timedOut();
    try {
      await sleep(Math.min(delayMs, remaining), combined.signal);
    } catch (error) {
      if (expiry.signal.aborted) throw timedOut();
      throw error;
    }
  }
}
