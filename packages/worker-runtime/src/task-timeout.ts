/**
 * The one rule for task timeouts, shared by a handler's `timeoutMs` and the worker's
 * `taskTimeoutMs` (`LUML_TASK_TIMEOUT`): a whole timer Node can arm, from 1 ms up to
 * 2^31-1 ms. Zero is refused rather than read as "none": it would fail every task at once,
 * and Node fires a longer delay after 1 ms (TimeoutOverflowWarning), so both are mistakes.
 * "No timeout" is spelled by leaving the setting out.
 */

/** Longest timeout Node's timers can arm (about 24.8 days). */
export const MAX_TASK_TIMEOUT_MS = 2_147_483_647;

/** True when `value` is a usable task timeout in milliseconds. */
export function isTaskTimeoutMs(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 1 &&
    value <= MAX_TASK_TIMEOUT_MS
  );
}

/** The accepted range, in the unit the caller wrote the timeout in (for error messages). */
export function taskTimeoutRange(unit: 'ms' | 'seconds'): string {
  return unit === 'ms'
    ? `milliseconds ≥ 1 and ≤ ${MAX_TASK_TIMEOUT_MS} (about 24.8 days)`
    : `a number of seconds ≥ 0.001 and ≤ ${MAX_TASK_TIMEOUT_MS / 1000} (about 24.8 days)`;
}
