// docs/protocols/luml.md §9 (dispatch), §4.3 (status bodies) and §20 (what a runtime must do)
import { AbortError, redactText, redactValue, TimeoutError } from '@uplink/core-schemas';
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import { createRedactingLogger, type Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import * as v from 'valibot';
import { TaskExecutionError } from './errors.js';
import type { HandlerRegistry } from './handler-registry.js';
import type { TaskOutcome, WorkerMetrics } from './metrics.js';
import type { Outbox } from './outbox.js';
import type { WorkerSettings } from './settings.js';
import { createTaskContext } from './task-context.js';
import { withFields } from './task-logger.js';

/** Longest `error` string sent in a failure result (the reference agent sends ≤ 3000). */
export const MAX_ERROR_CHARS = 3000;

/** What the runner needs from the worker. */
export interface TaskRunnerDeps {
  registry: HandlerRegistry;
  client: SatellitePlatform;
  settings: WorkerSettings;
  logger: Logger;
  outbox: Outbox;
  metrics: WorkerMetrics;
  /** Aborts every running task's signal (shutdown grace expired or forced). */
  shutdownSignal: AbortSignal;
  /** Called right before the handler runs (for pickup latency measurement). */
  onHandlerStart?: ((task: SatelliteTask) => void) | undefined;
  /**
   * Called with the handler's own promise (settled, never rejecting) as it starts. The task's
   * result is reported as soon as its signal aborts; the worker keeps this promise to give the
   * handler a bounded chance to clean up before the process exits.
   */
  onHandlerRun?: ((settled: Promise<void>) => void) | undefined;
}

/** `task <id> (<type>)`, the start of every task line. */
const taskName = (task: SatelliteTask): string => `task ${task.id} (${task.type})`;

/** `<ms> ms` since `started`, rounded. */
const since = (started: number): number => Math.round(performance.now() - started);

/** The failure for a log line: `reason: error`, on one line, short. */
function failureText(result: { reason: string; error?: string | undefined }): string {
  const text = result.error ? `${result.reason}: ${result.error}` : result.reason;
  const line = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Shutdown aborts carry this reason so the failure is reported as `{reason: 'shutdown'}`. */
export class ShutdownAbort extends AbortError {
  constructor() {
    super('The worker is shutting down');
  }
}

/**
 * Run one task through its whole lifecycle: post `running`, validate the payload, run the
 * handler under its timeout and the shutdown signal, then enqueue one final update, `done` or
 * `failed` (all through the outbox, which delivers each at least once). Never throws.
 */
export async function runTask(task: SatelliteTask, deps: TaskRunnerDeps): Promise<TaskOutcome> {
  const started = performance.now();
  const secrets = new Set<string>([deps.settings.token]);
  const logger = withFields(
    createRedactingLogger(deps.logger, () => secrets),
    { taskId: task.id, taskType: task.type },
  );
  const redact = (text: string): string => redactText(text, secrets).slice(0, MAX_ERROR_CHARS);
  const redactDetails = (details: Record<string, unknown>): Record<string, unknown> =>
    redactValue(details, secrets);
  deps.metrics.addInFlight(1);
  let outcome: TaskOutcome = 'failed';
  try {
    await deps.outbox.enqueue(task.id, 'running');
    const handler = deps.registry.get(task.type);
    if (!handler) {
      outcome = 'unknown_type';
      logger.warn(`${taskName(task)} failed in ${since(started)} ms: unknown type: ${task.type}`, {
        reason: 'unknown type',
      });
      await deps.outbox.enqueue(task.id, 'failed', { reason: `unknown type: ${task.type}` });
      return outcome;
    }
    let payload: unknown = task.payload;
    if (handler.payload) {
      const parsed = v.safeParse(handler.payload, task.payload ?? {});
      if (!parsed.success) {
        outcome = 'invalid_payload';
        const error = parsed.issues
          .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`)
          .join('; ');
        logger.warn(
          `${taskName(task)} failed in ${since(started)} ms: ${failureText({ reason: 'invalid task payload', error })}`,
          { reason: 'invalid task payload', error },
        );
        await deps.outbox.enqueue(task.id, 'failed', {
          reason: 'invalid task payload',
          error: redact(error),
        });
        return outcome;
      }
      payload = parsed.output;
    }

    const controller = new AbortController();
    const timeoutMs = handler.timeoutMs ?? deps.settings.taskTimeoutMs ?? undefined;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              controller.abort(
                new TimeoutError(`Task exceeded its timeout of ${timeoutMs} ms`, {
                  timeout: 'total',
                  timeoutMs,
                }),
              ),
            timeoutMs,
          );
    const onShutdown = (): void => controller.abort(new ShutdownAbort());
    if (deps.shutdownSignal.aborted) onShutdown();
    else deps.shutdownSignal.addEventListener('abort', onShutdown, { once: true });

    const { context, cleanup } = createTaskContext({
      task,
      payload,
      client: deps.client,
      settings: deps.settings,
      logger,
      signal: controller.signal,
      secrets,
    });
    // The final update is sent after cleanup, so `done`/`failed` on the platform means the
    // task's temporary directories are already gone.
    let final: { status: 'done' | 'failed'; result: Record<string, unknown> };
    try {
      deps.onHandlerStart?.(task);
      logger.info(`${taskName(task)} started`);
      const running = Promise.resolve().then(() => handler.run(context));
      deps.onHandlerRun?.(
        running.then(
          () => undefined,
          () => undefined,
        ),
      );
      const value = await raceAbort(running, controller.signal);
      final = { status: 'done', result: normaliseResult(value) };
      outcome = 'done';
      const durationMs = since(started);
      logger.info(`${taskName(task)} done in ${durationMs} ms`, { durationMs });
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      outcome =
        reason instanceof ShutdownAbort
          ? 'shutdown'
          : reason instanceof TimeoutError
            ? 'timeout'
            : 'failed';
      if (handler.onFailure) {
        try {
          await handler.onFailure(context, reason);
        } catch (hookError) {
          logger.error('onFailure hook failed', { error: describe(hookError) });
        }
      }
      const result = failureResult(reason, redact, redactDetails);
      const durationMs = since(started);
      logger.warn(`${taskName(task)} failed in ${durationMs} ms: ${failureText(result)}`, {
        durationMs,
        reason: result.reason,
        error: result.error,
      });
      final = { status: 'failed', result };
    } finally {
      if (timer) clearTimeout(timer);
      deps.shutdownSignal.removeEventListener('abort', onShutdown);
      await cleanup();
    }
    await deps.outbox.enqueue(task.id, final.status, final.result);
    return outcome;
  } catch (error) {
    // Only the outbox store can land here (for example a full disk).
    logger.error(`${taskName(task)}: could not record its result: ${describe(error)}`, {
      error: describe(error),
    });
    return 'failed';
  } finally {
    deps.metrics.addInFlight(-1);
    deps.metrics.recordTask(task.type, outcome, performance.now() - started);
  }
}

function failureResult(
  error: unknown,
  redact: (text: string) => string,
  redactDetails: (details: Record<string, unknown>) => Record<string, unknown>,
): { reason: string; error?: string } & Record<string, unknown> {
  if (error instanceof ShutdownAbort) {
    return { reason: 'shutdown', error: 'the worker stopped before the task finished' };
  }
  if (error instanceof TimeoutError) return { reason: 'timeout', error: redact(error.message) };
  if (error instanceof TaskExecutionError) {
    return {
      ...redactDetails(error.details ?? {}),
      reason: redact(error.reason),
      ...(error.error === undefined ? {} : { error: redact(error.error) }),
    };
  }
  return { reason: 'handler error', error: redact(describe(error)) };
}

function normaliseResult(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const object =
    typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  try {
    return JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  } catch (error) {
    throw new TaskExecutionError('handler error', {
      error: `the handler's result is not JSON-serialisable: ${describe(error)}`,
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Settle with the promise, or reject with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
