// docs/protocols/luml.md §9 (polling loop), §7.1 (no claim, lease or cancellation) and §18.7 (401 loops)
import {
  AuthenticationError,
  ConfigurationError,
  PermissionDeniedError,
} from '@uplink/core-schemas';
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import { type Logger, silentLogger, sleep } from '@uplink/http';
import type { RejectedTaskRow, SatellitePlatform } from '@uplink/platform-client';
import { retryLine, tokenRefusedMessage } from './describe.js';
import { WorkerFatalError } from './errors.js';
import type { WorkerMetrics } from './metrics.js';
import { handleRejectedRows } from './rejected-rows.js';
import { retryDelayMs } from './retry.js';

/** Options for {@link PollingLoop}. */
export interface PollingLoopOptions {
  /** Where tasks are listed. */
  client: SatellitePlatform;
  /** Runs one task to the end; never rejects. */
  dispatch: (task: SatelliteTask) => Promise<unknown>;
  /**
   * Tasks run at once.
   * @default 1
   */
  concurrency?: number | undefined;
  /**
   * Fresh tasks kept in memory, in the platform's order, waiting for a free slot. A poll takes
   * every fresh task up to the free slots plus this many, and the next poll comes as soon as
   * they have all started, so a backlog costs one poll per batch instead of one per task.
   * `0` keeps none: the loop polls again for every free slot. Queued tasks that have not
   * started when the loop stops are simply not started (they stay `pending` on the platform).
   * A whole number from 0 to 50,000.
   * @default 10000
   */
  maxQueuedTasks?: number | undefined;
  /**
   * Wait after a poll that brought no new work.
   * @default 2000
   */
  intervalMs?: number | undefined;
  /**
   * First backoff ceiling after a poll error (doubles per consecutive error, full jitter).
   * @default 1000
   */
  backoffBaseMs?: number | undefined;
  /**
   * Cap of the backoff after poll errors.
   * @default 60000
   */
  backoffMaxMs?: number | undefined;
  /**
   * Called once per task id for listed rows the client set aside as malformed (`rejected`),
   * so the task can be failed instead of staying `pending`; never rejects.
   * @default rows are logged and skipped
   */
  reject?: ((row: RejectedTaskRow & { id: string }) => Promise<unknown>) | undefined;
  /**
   * While it returns true, queued tasks wait instead of starting (the worker holds starts while
   * the outbox has many updates the platform has not accepted yet). Call {@link PollingLoop.wake}
   * when it may have changed.
   * @default never holds
   */
  holdStarts?: (() => boolean) | undefined;
  /** Extra check: true when a task must not be started (for example its result is still in the outbox). */
  isBusy?: ((taskId: string) => boolean) | undefined;
  /** Called once when the loop stops for good (401/403). */
  onFatal?: ((error: WorkerFatalError) => void) | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
  /**
   * The platform's `host:port`, named in log lines.
   * @default 'the platform'
   */
  host?: string | undefined;
  /**
   * Where the token came from, named in the 401/403 error.
   * @default 'LUML_SATELLITE_TOKEN'
   */
  tokenSource?: string | undefined;
  /** Poll counters and in-flight gauge. */
  metrics?: WorkerMetrics | undefined;
}

/** Remembered task ids, so a task is never started twice by one process. */
const SEEN_LIMIT = 100_000;
/** Largest accepted `maxQueuedTasks`: queued ids must never fall out of the remembered ones. */
export const MAX_QUEUED_TASKS_LIMIT = 50_000;

/**
 * The `maxQueuedTasks` to use (10,000 when undefined).
 * @throws ConfigurationError unless a whole number from 0 to 50,000.
 */
export function checkMaxQueuedTasks(value: number | undefined): number {
  const maxQueued = value ?? 10_000;
  if (!Number.isInteger(maxQueued) || maxQueued < 0 || maxQueued > MAX_QUEUED_TASKS_LIMIT) {
    throw new ConfigurationError([
      {
        setting: 'maxQueuedTasks',
        message: `expected a whole number from 0 to ${MAX_QUEUED_TASKS_LIMIT}, got ${String(maxQueued)}`,
      },
    ]);
  }
  return maxQueued;
}

/**
 * Poll `GET /tasks?status=pending` and run what comes back, at most `concurrency` at a time.
 * One poll queues every fresh task (up to `maxQueuedTasks` waiting), in the platform's
 * `scheduled_at` order; the loop polls again as soon as that queue has drained while work keeps
 * arriving, waits `intervalMs` after a poll that brought nothing new, and backs off
 * exponentially with jitter (capped) after errors. A 401 or 403 stops the loop with a
 * {@link WorkerFatalError} instead of looping forever. A task is never started twice by one
 * process: not while it is queued or running, not while it still shows as pending (its
 * `running` update may still be in the outbox), and not after a restart while the outbox
 * still holds an update for it (`isBusy`).
 *
 * Queueing a listed task is safe because the platform never withdraws one: it has no claims,
 * leases or cancellation, and only the satellite moves a task out of `pending`. Deleting a
 * deployment adds an `undeploy` task scheduled after its `deploy` task rather than removing
 * the latter, and the queue keeps that order. Re-listing before each start would therefore
 * learn nothing new about a queued task, as long as one worker runs per satellite token.
 */
export class PollingLoop {
  readonly #options: PollingLoopOptions;
  readonly #maxQueued: number;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #seen = new Set<string>();
  readonly #unreportable = new Set<string>();
  readonly #wakers = new Set<() => void>();
  /** Listed tasks waiting for a slot, oldest first; `#queueHead` is the next to start. */
  #queue: SatelliteTask[] = [];
  #queueHead = 0;
  #controller = new AbortController();
  #running: Promise<void> | undefined;
  #consecutiveErrors = 0;

  constructor(options: PollingLoopOptions) {
    this.#options = options;
    this.#maxQueued = checkMaxQueuedTasks(options.maxQueuedTasks);
  }

  /** Ids of the tasks running now. */
  get inFlight(): string[] {
    return [...this.#inFlight.keys()];
  }

  /** Ids of the listed tasks waiting for a free slot, in the order they will start. */
  get queued(): string[] {
    return this.#queue.slice(this.#queueHead).map((task) => task.id);
  }

  /** Consecutive failed polls (0 after a success). */
  get consecutiveErrors(): number {
    return this.#consecutiveErrors;
  }

  /** Start polling; resolves when the loop has stopped (after {@link stop} or a fatal error). */
  start(): Promise<void> {
    this.#running ??= this.#loop(this.#controller.signal);
    return this.#running;
  }

  /** Stop polling and forget queued tasks (in-flight tasks keep running; see {@link drain}). */
  async stop(): Promise<void> {
    this.#controller.abort();
    this.#clearQueue();
    this.#wake();
    await this.#running;
  }

  /**
   * Run a task outside polling (crash recovery), counted against the concurrency limit. A task
   * already running is not started again; a queued one is taken out of the queue.
   */
  run(task: SatelliteTask): Promise<unknown> {
    const running = this.#inFlight.get(task.id);
    if (running) return running;
    const queued = this.#queue.findIndex((t, i) => i >= this.#queueHead && t.id === task.id);
    if (queued !== -1) this.#queue.splice(queued, 1);
    return this.#start(task);
  }

  /** Start queued tasks that `holdStarts` held back, if it no longer does. */
  wake(): void {
    this.#startQueued();
    this.#wake();
  }

  /** Resolves when every in-flight task has finished. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  #start(task: SatelliteTask): Promise<unknown> {
    return this.#track(task.id, () => this.#options.dispatch(task));
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_LIMIT) {
      // A Set iterates in insertion order: its first value is the oldest id.
      this.#seen.delete(this.#seen.values().next().value as string);
    }
  }

  /** Remember the id (never started twice) and keep the work in flight until it settles. */
  #track(id: string, work: () => Promise<unknown>): Promise<unknown> {
    this.#remember(id);
    const promise = Promise.resolve()
      .then(work)
      .catch((error: unknown) => {
        (this.#options.logger ?? silentLogger).error('task dispatch failed', {
          taskId: id,
          error: String(error),
        });
      })
      .finally(() => {
        this.#inFlight.delete(id);
        this.#startQueued();
        this.#wake();
      });
    this.#inFlight.set(id, promise);
    return promise;
  }

  /** Start queued tasks, oldest first, while slots are free and starts are not held (stop() empties the queue). */
  #startQueued(): void {
    while (
      this.#queueHead < this.#queue.length &&
      this.#freeSlots() > 0 &&
      !this.#options.holdStarts?.()
    ) {
      this.#start(this.#queue[this.#queueHead++] as SatelliteTask);
    }
  }

  #clearQueue(): void {
    this.#queue = [];
    this.#queueHead = 0;
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  #freeSlots(): number {
    return Math.max(1, this.#options.concurrency ?? 1) - this.#inFlight.size;
  }

  /**
   * Ready to poll: nothing queued, and room for what the poll may bring (a free slot, or a
   * queue to hold it).
   */
  #readyToPoll(): boolean {
    return this.#queueHead >= this.#queue.length && (this.#maxQueued > 0 || this.#freeSlots() > 0);
  }

  async #waitUntilReady(signal: AbortSignal): Promise<void> {
    while (!this.#readyToPoll() && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#wakers.delete(wake);
          resolve();
        };
        this.#wakers.add(wake);
      });
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const logger = this.#options.logger ?? silentLogger;
    const intervalMs = this.#options.intervalMs ?? 2000;
    while (!signal.aborted) {
      await this.#waitUntilReady(signal);
      if (signal.aborted) break;
      let tasks: Awaited<ReturnType<SatellitePlatform['listTasks']>>;
      try {
        // The loop backs off and logs each failed poll itself (see below), so the client sends
        // each poll once.
        tasks = await this.#options.client.listTasks({ status: 'pending', signal, retry: false });
      } catch (error) {
        if (signal.aborted) break;
        this.#options.metrics?.recordPoll(false);
        if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
          const fatal = new WorkerFatalError(
            tokenRefusedMessage(
              error.status,
              this.#options.tokenSource ?? 'LUML_SATELLITE_TOKEN',
              'polling',
            ),
            { cause: error, code: 'token_refused' },
          );
          logger.debug('poll: fatal authentication error', { status: error.status });
          this.#options.onFatal?.(fatal);
          break;
        }
        this.#consecutiveErrors++;
        const delayMs = Math.min(
          retryDelayMs(error, this.#consecutiveErrors, {
            baseDelayMs: this.#options.backoffBaseMs ?? 1000,
            maxDelayMs: this.#options.backoffMaxMs ?? 60_000,
          }),
          this.#options.backoffMaxMs ?? 60_000,
        );
        logger.warn(retryLine(error, this.#options.host ?? 'the platform', delayMs), {
          attempt: this.#consecutiveErrors,
          delayMs,
          error: error instanceof Error ? error.message : String(error),
        });
        await pause(delayMs, signal);
        continue;
      }
      // Stopped while the answer was on its way: queue nothing.
      if (signal.aborted) break;
      if (this.#consecutiveErrors > 0) {
        logger.info(
          `platform reachable again (${this.#options.host ?? 'the platform'}) after ${this.#consecutiveErrors} failed poll(s)`,
        );
      }
      this.#consecutiveErrors = 0;
      this.#options.metrics?.recordPoll(true);
      if (tasks.rejected?.length) {
        handleRejectedRows(tasks.rejected, {
          logger,
          reject: this.#options.reject,
          unreportable: this.#unreportable,
          isKnown: (id) =>
            this.#inFlight.has(id) || this.#seen.has(id) || this.#options.isBusy?.(id) === true,
          remember: (id) => this.#remember(id),
          track: (id, work) => void this.#track(id, work),
        });
      }
      // The queue has drained (#readyToPoll): this poll's tasks replace it, in listed order.
      // None of them can be queued twice, as no poll comes before they have all started.
      const room = Math.max(0, this.#freeSlots()) + this.#maxQueued;
      const fresh: SatelliteTask[] = [];
      for (const task of tasks) {
        if (fresh.length === room) break;
        if (
          task.status !== 'pending' ||
          this.#inFlight.has(task.id) ||
          this.#seen.has(task.id) ||
          this.#options.isBusy?.(task.id)
        ) {
          continue;
        }
        fresh.push(task);
      }
      this.#queue = fresh;
      this.#queueHead = 0;
      this.#startQueued();
      // Work arrived: poll again once the queue has drained. Idle: wait the interval.
      if (fresh.length > 0) continue;
      await pause(intervalMs, signal);
    }
  }
}

/** Wait `ms`, or less when stopped (the loop's condition then ends it). */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, signal).catch(() => {});
}
