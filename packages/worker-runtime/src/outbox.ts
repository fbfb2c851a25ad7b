// docs/protocols/luml.md §4.3 (task status updates) and §18.5 (no crash recovery on the platform)
import {
  ApiError,
  AuthenticationError,
  PermissionDeniedError,
  ResponseValidationError,
} from '@uplink/core-schemas';
import type { TaskStatus } from '@uplink/core-schemas/luml';
import { type Logger, silentLogger, sleep } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import { MemoryOutboxStore, type OutboxEntry, type OutboxStore } from './outbox-store.js';
import { isTransientError, retryDelayMs } from './retry.js';

/** Options for {@link Outbox}. */
export interface OutboxOptions {
  /** Where updates are posted. */
  client: SatellitePlatform;
  /**
   * Where entries are kept until accepted.
   * @default new MemoryOutboxStore()
   */
  store?: OutboxStore | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
  /**
   * Backoff between delivery attempts (full jitter); a `Retry-After` hint replaces it.
   * @default { baseDelayMs: 250, maxDelayMs: 30000 }
   */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
  /**
   * Updates posted at once, across tasks (one task's updates always go one at a time, in
   * order). Bounds the connections and requests a burst of finished tasks opens at the platform.
   * @default 8
   */
  maxConcurrentDeliveries?: number | undefined;
  /** Called when the platform accepted an entry. */
  onDelivered?: ((entry: OutboxEntry) => void) | undefined;
  /** Called when an entry was dropped because the platform refused it for good (404, 422, …). */
  onDropped?: ((entry: OutboxEntry, error: unknown) => void) | undefined;
}

/**
 * Task status updates go through the outbox: each is persisted first, then posted and retried
 * with backoff until the platform accepts it. Updates of one task are delivered in order;
 * different tasks are delivered concurrently, at most `maxConcurrentDeliveries` posts at once.
 * Only a permanent refusal (4xx other than 401,
 * 403, 408, 425, 429) drops an entry, with an error log; 401/403 keep it (a fixed token can
 * still deliver it from the file store after a restart).
 */
export class Outbox {
  readonly #client: SatellitePlatform;
  readonly #store: OutboxStore;
  readonly #logger: Logger;
  readonly #options: OutboxOptions;
  readonly #queues = new Map<string, OutboxEntry[]>();
  readonly #idle = new Set<() => void>();
  readonly #progress = new Set<() => void>();
  readonly #maxDeliveries: number;
  /** Posts in flight, and the deliveries waiting for one to finish (first come, first served). */
  #activeDeliveries = 0;
  readonly #deliveryWaiters: (() => void)[] = [];
  #controller = new AbortController();
  #pending = 0;
  #opened = false;
  #resumed = new Map<string, TaskStatus[]>();

  constructor(options: OutboxOptions) {
    this.#client = options.client;
    this.#store = options.store ?? new MemoryOutboxStore();
    this.#logger = options.logger ?? silentLogger;
    this.#options = options;
    this.#maxDeliveries = Math.max(1, Math.floor(options.maxConcurrentDeliveries ?? 8));
  }

  /** Load entries left by a previous run and start delivering them. Returns how many. */
  async open(): Promise<number> {
    if (this.#opened) return this.#pending;
    this.#opened = true;
    this.#controller = new AbortController();
    const entries = await this.#store.load();
    this.#resumed = new Map();
    for (const entry of entries) {
      const statuses = this.#resumed.get(entry.taskId) ?? [];
      statuses.push(entry.status);
      this.#resumed.set(entry.taskId, statuses);
    }
    for (const entry of entries) this.#schedule(entry);
    if (entries.length > 0) {
      this.#logger.info('outbox: resuming updates left by a previous run', {
        count: entries.length,
      });
    }
    return entries.length;
  }

  /** Persist an update and schedule its delivery. Resolves once it is stored (not delivered). */
  async enqueue(
    taskId: string,
    status: TaskStatus,
    result: Record<string, unknown> | null = null,
  ): Promise<OutboxEntry> {
    const entry: OutboxEntry = {
      id: crypto.randomUUID(),
      taskId,
      status,
      result,
      enqueuedAt: Date.now(),
    };
    await this.#store.add(entry);
    this.#schedule(entry);
    return entry;
  }

  /** Whether an update for this task is still waiting (so the task must not be started again). */
  hasTask(taskId: string): boolean {
    return this.#queues.has(taskId);
  }

  /**
   * What the store held for each task when {@link open} loaded it (statuses in order), whether
   * delivered since or not. Crash recovery uses it: a task whose entries end without `done` or
   * `failed` was interrupted by the crash, even if its `running` update never reached the platform.
   */
  get resumedTasks(): ReadonlyMap<string, readonly TaskStatus[]> {
    return this.#resumed;
  }

  /**
   * Call `listener` each time an entry leaves the outbox (accepted by the platform, or dropped).
   * Returns the function that unsubscribes it.
   */
  onProgress(listener: () => void): () => void {
    this.#progress.add(listener);
    return () => this.#progress.delete(listener);
  }

  /** Task ids with updates still waiting. */
  taskIds(): string[] {
    return [...this.#queues.keys()];
  }

  /** Entries not yet accepted. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Wait until every entry is delivered, the signal aborts, or `timeoutMs` passes.
   * Resolves `true` when the outbox is empty.
   */
  async flush(
    options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined } = {},
  ): Promise<boolean> {
    if (this.#pending === 0) return true;
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (value: boolean): void => {
        this.#idle.delete(onIdle);
        options.signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
        resolve(value);
      };
      const onIdle = (): void => finish(true);
      const onAbort = (): void => finish(this.#pending === 0);
      this.#idle.add(onIdle);
      // No `once`: finish() removes it, whichever way the flush ends.
      options.signal?.addEventListener('abort', onAbort);
      if (options.timeoutMs !== undefined) timer = setTimeout(onAbort, options.timeoutMs);
      if (options.signal?.aborted) onAbort();
    });
  }

  /** Stop delivering. Undelivered entries stay in the store. */
  async close(): Promise<void> {
    this.#controller.abort();
    this.#opened = false;
    await this.#store.close();
  }

  #schedule(entry: OutboxEntry): void {
    this.#pending++;
    const queue = this.#queues.get(entry.taskId);
    if (queue) {
      queue.push(entry);
      return;
    }
    const fresh = [entry];
    this.#queues.set(entry.taskId, fresh);
    void this.#pump(entry.taskId, fresh, this.#controller.signal);
  }

  /** Deliver one task's queue in order, until it is empty or the outbox is closed. */
  async #pump(taskId: string, queue: OutboxEntry[], signal: AbortSignal): Promise<void> {
    while (queue.length > 0 && !signal.aborted) {
      const entry = queue[0] as OutboxEntry;
      if (!(await this.#deliver(entry, signal))) break;
      await this.#store.remove(entry.id).catch((error: unknown) => {
        this.#logger.warn('outbox: could not record a delivered update', { error: String(error) });
      });
      queue.shift();
      this.#pending--;
      for (const listener of [...this.#progress]) listener();
    }
    if (signal.aborted) {
      // Closed: forget the in-memory queue; the store still holds the entries.
      this.#pending -= queue.length;
      this.#queues.delete(taskId);
      return;
    }
    this.#queues.delete(taskId);
    if (this.#pending === 0) for (const resolve of [...this.#idle]) resolve();
  }

  /** One post, holding one of the `maxConcurrentDeliveries` slots while it is in flight. */
  async #post(entry: OutboxEntry, signal: AbortSignal): Promise<void> {
    if (this.#activeDeliveries < this.#maxDeliveries) this.#activeDeliveries++;
    else await new Promise<void>((resolve) => this.#deliveryWaiters.push(resolve));
    try {
      signal.throwIfAborted();
      await this.#client.updateTaskStatus(entry.taskId, entry.status, entry.result, { signal });
    } finally {
      // Hand the slot straight to the next waiter, so no newcomer can slip in between.
      const next = this.#deliveryWaiters.shift();
      if (next) next();
      else this.#activeDeliveries--;
    }
  }

  /**
   * Post until the platform accepts the entry or refuses it for good (true: it leaves the
   * outbox), or until the outbox is closed (false: it stays in the store). Called only while
   * open, and each wait below ends early on close, so the signal needs no check of its own here.
   */
  async #deliver(entry: OutboxEntry, signal: AbortSignal): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#post(entry, signal);
        this.#options.onDelivered?.(entry);
        return true;
      } catch (error) {
        if (signal.aborted) return false;
        if (error instanceof ResponseValidationError) {
          // The platform answered 2xx: the update was applied even if its echo is odd.
          this.#options.onDelivered?.(entry);
          return true;
        }
        const keep =
          isTransientError(error) ||
          error instanceof AuthenticationError ||
          error instanceof PermissionDeniedError ||
          !(error instanceof ApiError);
        if (!keep) {
          this.#logger.error('outbox: platform refused a task update; dropping it', {
            taskId: entry.taskId,
            status: entry.status,
            error: error instanceof Error ? error.message : String(error),
          });
          this.#options.onDropped?.(entry, error);
          return true;
        }
        const delayMs = retryDelayMs(error, attempt, {
          baseDelayMs: this.#options.backoff?.baseDelayMs ?? 250,
          maxDelayMs: this.#options.backoff?.maxDelayMs ?? 30_000,
        });
        this.#logger[attempt === 1 ? 'info' : 'debug'](
          'outbox: update not accepted yet; retrying',
          {
            taskId: entry.taskId,
            status: entry.status,
            attempt,
            delayMs,
            error: error instanceof Error ? error.message : String(error),
          },
        );
        try {
          await sleep(delayMs, signal);
        } catch {
          return false;
        }
      }
    }
  }
}
