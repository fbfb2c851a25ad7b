// docs/protocols/luml.md §9 (polling loop) and §18.7 (401 loops)
import { AuthenticationError, PermissionDeniedError } from '@uplink/core-schemas';
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import { type Logger, silentLogger, sleep } from '@uplink/http';
import type { RejectedTaskRow, SatellitePlatform } from '@uplink/platform-client';
import { retryLine, tokenRefusedMessage } from './describe.js';
import { WorkerFatalError } from './errors.js';
import type { WorkerMetrics } from './metrics.js';
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
/** Remembered problems of rows without an id, so each is logged once. */
const UNREPORTABLE_LIMIT = 1000;

/**
 * Poll `GET /tasks?status=pending` and run what comes back, at most `concurrency` at a time.
 * Polls again at once while work keeps arriving, waits `intervalMs` when idle, and backs off
 * exponentially with jitter (capped) after errors. A 401 or 403 stops the loop with a
 * {@link WorkerFatalError} instead of looping forever. A task is never started twice, even
 * while it still shows as pending (its `running` update may still be in the outbox).
 */
export class PollingLoop {
  readonly #options: PollingLoopOptions;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #seen = new Set<string>();
  readonly #unreportable = new Set<string>();
  readonly #slotWaiters = new Set<() => void>();
  #controller = new AbortController();
  #running: Promise<void> | undefined;
  #consecutiveErrors = 0;

  constructor(options: PollingLoopOptions) {
    this.#options = options;
  }

  /** Ids of the tasks running now. */
  get inFlight(): string[] {
    return [...this.#inFlight.keys()];
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

  /** Stop polling (in-flight tasks keep running; see {@link drain}). */
  async stop(): Promise<void> {
    this.#controller.abort();
    this.#wakeSlotWaiters();
    await this.#running;
  }

  /** Run a task outside polling (crash recovery), counted against the concurrency limit. */
  run(task: SatelliteTask): Promise<unknown> {
    return this.#start(task);
  }

  /** Resolves when every in-flight task has finished. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  #start(task: SatelliteTask): Promise<unknown> {
    return this.#track(task.id, () => this.#options.dispatch(task));
  }

  /** Remember the id (never started twice) and keep the work in flight until it settles. */
  #track(id: string, work: () => Promise<unknown>): Promise<unknown> {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_LIMIT) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
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
        this.#wakeSlotWaiters();
      });
    this.#inFlight.set(id, promise);
    return promise;
  }

  /** Rows the client could not read: fail each task once; log rows without an id once. */
  #rejectRows(rows: readonly RejectedTaskRow[]): void {
    const logger = this.#options.logger ?? silentLogger;
    for (const row of rows) {
      const { id } = row;
      if (id === undefined) {
        const key = `${row.type}\u0000${row.problem}`;
        if (this.#unreportable.has(key) || this.#unreportable.size >= UNREPORTABLE_LIMIT) continue;
        this.#unreportable.add(key);
        logger.error('a listed task row has no usable id; it cannot be failed on the platform', {
          index: row.index,
          taskType: row.type,
          problem: row.problem,
        });
        continue;
      }
      if (this.#inFlight.has(id) || this.#seen.has(id) || this.#options.isBusy?.(id)) continue;
      const reject = this.#options.reject;
      if (!reject) {
        this.#seen.add(id);
        logger.warn('skipping a task row that does not match the task schema', {
          taskId: id,
          problem: row.problem,
        });
        continue;
      }
      void this.#track(id, () => reject({ ...row, id }));
    }
  }

  #wakeSlotWaiters(): void {
    for (const wake of [...this.#slotWaiters]) wake();
  }

  #freeSlots(): number {
    return Math.max(1, this.#options.concurrency ?? 1) - this.#inFlight.size;
  }

  async #waitForSlot(signal: AbortSignal): Promise<void> {
    while (this.#freeSlots() <= 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#slotWaiters.delete(wake);
          resolve();
        };
        this.#slotWaiters.add(wake);
      });
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const logger = this.#options.logger ?? silentLogger;
    const intervalMs = this.#options.intervalMs ?? 2000;
    while (!signal.aborted) {
      await this.#waitForSlot(signal);
      if (signal.aborted) break;
      let tasks: Awaited<ReturnType<SatellitePlatform['listTasks']>>;
      try {
        tasks = await this.#options.client.listTasks({ status: 'pending', signal });
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
        if (!(await pause(delayMs, signal))) break;
        continue;
      }
      if (this.#consecutiveErrors > 0) {
        logger.info(
          `platform reachable again (${this.#options.host ?? 'the platform'}) after ${this.#consecutiveErrors} failed poll(s)`,
        );
      }
      this.#consecutiveErrors = 0;
      this.#options.metrics?.recordPoll(true);
      if (tasks.rejected?.length) this.#rejectRows(tasks.rejected);
      const fresh = tasks.filter(
        (task) =>
          task.status === 'pending' &&
          !this.#inFlight.has(task.id) &&
          !this.#seen.has(task.id) &&
          !this.#options.isBusy?.(task.id),
      );
      for (const task of fresh) {
        if (this.#freeSlots() <= 0) break;
        this.#start(task);
      }
      // Work arrived: poll again as soon as a slot is free. Idle: wait the interval.
      if (fresh.length > 0) continue;
      if (!(await pause(intervalMs, signal))) break;
    }
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}
