// luml-satellite-protocol §8 (pairing), §9 (startup order), §20 and §23 (runtime duties)
import { ApiError, AuthenticationError, PermissionDeniedError } from '@uplink/core-schemas';
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import { createRedactingLogger, type Logger, silentLogger, sleep } from '@uplink/http';
import { PlatformClient, type SatellitePlatform } from '@uplink/platform-client';
import { PairingError, WorkerFatalError } from './errors.js';
import type { Handler } from './handler.js';
import { HandlerRegistry } from './handler-registry.js';
import { type HealthServer, type Readiness, startHealthServer } from './health-server.js';
import { WorkerMetrics } from './metrics.js';
import { Outbox } from './outbox.js';
import { FileOutboxStore, MemoryOutboxStore, type OutboxStore } from './outbox-store.js';
import { PollingLoop } from './polling-loop.js';
import { retry } from './retry.js';
import { loadSettings, type WorkerSettings } from './settings.js';
import { installSignalHandlers } from './signals.js';
import { runTask } from './task-runner.js';
import { type WorkerState, type WorkerStateChange, WorkerStateMachine } from './worker-state.js';

/** What a startup hook gets. */
export interface StartupContext {
  /** The platform client. */
  client: SatellitePlatform;
  /** The worker's settings. */
  settings: WorkerSettings;
  /** The worker's logger. */
  logger: Logger;
  /** Aborted when the worker is stopped during startup. */
  signal: AbortSignal;
}

/** Runs after the client opens and before pairing, e.g. to reconcile deployments (reference §12). */
export type StartupHook = (context: StartupContext) => void | Promise<void>;

/** Options for `new Worker(options)`. */
export interface WorkerOptions {
  /**
   * Settings; missing ones come from `env` through {@link loadSettings}.
   * @default loadSettings(env)
   */
  settings?: Partial<WorkerSettings> | undefined;
  /**
   * Environment to read settings from.
   * @default process.env
   */
  env?: Record<string, string | undefined> | undefined;
  /** Task handlers (see `defineHandler`). More can be added with `register()` before `start()`. */
  handlers?: Handler[] | undefined;
  /**
   * Tasks run at once.
   * @default settings.concurrency (1)
   */
  concurrency?: number | undefined;
  /**
   * The platform client.
   * @default new PlatformClient({ token, platformUrl, logger })
   */
  client?: SatellitePlatform | undefined;
  /**
   * Where to log. Secret values (the token) are redacted.
   * @default silentLogger
   */
  logger?: Logger | undefined;
  /** Hooks run in order after the client opens and before pairing. */
  startupHooks?: StartupHook[] | undefined;
  /**
   * Install SIGINT/SIGTERM handlers: drain on the first signal, force on the second, then exit
   * with 0 after a clean drain or 128 + the signal number otherwise. `false` for embedding and tests.
   * @default true
   */
  handleSignals?: boolean | undefined;
  /**
   * Where outbox entries are kept.
   * @default a FileOutboxStore in settings.stateDir when set, else in memory
   */
  outboxStore?: OutboxStore | undefined;
  /**
   * Outbox retry backoff.
   * @default { baseDelayMs: 250, maxDelayMs: 30000 }
   */
  outboxBackoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
  /**
   * How long `stop()` waits for the outbox to deliver before closing (entries in a file store survive).
   * @default 10000
   */
  outboxFlushMs?: number | undefined;
  /**
   * Backoff of pairing retries (transient errors only; retried until `stop()`).
   * @default { baseDelayMs: 1000, maxDelayMs: 60000 }
   */
  pairBackoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
  /** Called right before each handler runs (pickup latency measurement). */
  onHandlerStart?: ((task: SatelliteTask) => void) | undefined;
}

/** What {@link Worker.stop} reports. */
export interface StopResult {
  /** Every in-flight task finished within the grace period. */
  clean: boolean;
  /** Tasks aborted and reported `failed` with `{reason: 'shutdown'}`. */
  abortedTasks: number;
  /** Status updates still undelivered when the worker closed (kept only by a file store). */
  undelivered: number;
}

/**
 * A LUML satellite worker. `start()` opens the client, runs startup hooks, starts the health
 * server, pairs (retrying with backoff), resolves tasks left `running` by a crash, then polls.
 * `stop()` drains in-flight work within a grace period, then aborts and fails what is left.
 *
 * @example
 * const worker = new Worker({ handlers: [deploy, undeploy] });
 * await worker.start();
 */
export class Worker implements AsyncDisposable {
  /** The validated settings. */
  readonly settings: WorkerSettings;
  /** Metrics served on `/metrics`. */
  readonly metrics = new WorkerMetrics();
  readonly #registry = new HandlerRegistry();
  readonly #machine = new WorkerStateMachine();
  readonly #options: WorkerOptions;
  readonly #logger: Logger;
  readonly #startup = new AbortController();
  readonly #shutdown = new AbortController();
  #client: SatellitePlatform | undefined;
  #ownsClient = false;
  #outbox: Outbox | undefined;
  #loop: PollingLoop | undefined;
  #health: HealthServer | undefined;
  #paired = false;
  #stopping: Promise<StopResult> | undefined;
  #fatal: WorkerFatalError | undefined;
  #uninstallSignals: (() => void) | undefined;
  #done: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void };

  constructor(options: WorkerOptions = {}) {
    this.#options = options;
    const overrides: Partial<WorkerSettings> = { ...options.settings };
    if (options.concurrency !== undefined) overrides.concurrency = options.concurrency;
    this.settings = loadSettings(options.env ?? globalThis.process?.env ?? {}, overrides);
    this.#logger = createRedactingLogger(options.logger ?? silentLogger, () => [
      this.settings.token,
    ]);
    for (const handler of options.handlers ?? []) this.#registry.register(handler);
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // observed through wait()
    this.#done = { promise, resolve, reject };
    this.metrics.gauges = () => ({
      outboxPending: this.#outbox?.pending ?? 0,
      state: this.#machine.state,
    });
  }

  /** The lifecycle state (`idle → starting → running → stopping → draining → stopped`, or `failed`). */
  get state(): WorkerState {
    return this.#machine.state;
  }

  /** The registered handlers. */
  get handlers(): HandlerRegistry {
    return this.#registry;
  }

  /** URL of the health server once started. */
  get healthUrl(): string | undefined {
    return this.#health?.url;
  }

  /** The platform client (after `start()`). */
  get client(): SatellitePlatform | undefined {
    return this.#client;
  }

  /** Ids of the tasks running now. */
  get inFlight(): string[] {
    return this.#loop?.inFlight ?? [];
  }

  /** Status updates not yet accepted by the platform. */
  get outboxPending(): number {
    return this.#outbox?.pending ?? 0;
  }

  /** Listen to state changes; returns the unsubscribe function. */
  onStateChange(listener: (change: WorkerStateChange) => void): () => void {
    return this.#machine.subscribe(listener);
  }

  /**
   * Register a handler (before `start()`).
   * @throws ConfigurationError on a duplicate task type or capability.
   */
  register(handler: Handler): this {
    if (this.state !== 'idle') throw new Error('Register handlers before start()');
    this.#registry.register(handler);
    return this;
  }

  /** Whether `/readyz` answers 200, and if not, why. */
  readiness(): Readiness {
    if (this.state !== 'running') return { ready: false, reason: `worker is ${this.state}` };
    if (!this.#paired) return { ready: false, reason: 'not paired yet' };
    const last = this.metrics.lastPollSuccessMs;
    if (last === undefined) return { ready: false, reason: 'no successful poll yet' };
    const age = Date.now() - last;
    if (age > this.settings.readyMaxAgeMs) {
      return {
        ready: false,
        reason: `last successful poll was ${Math.round(age / 1000)} s ago (limit ${Math.round(this.settings.readyMaxAgeMs / 1000)} s)`,
      };
    }
    return { ready: true };
  }

  /**
   * Start: open the client → startup hooks → health server → pair (retrying) → resolve tasks
   * left `running` → poll. Resolves once polling has begun.
   * @throws ConfigurationError (no capability), PairingError (refused), WorkerFatalError.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`start() called while the worker is ${this.state}`);
    this.#machine.transition('starting');
    const signal = this.#startup.signal;
    try {
      const capabilities = this.#registry.capabilities();
      // 1. Open the client and the outbox (which resumes updates left by a previous run).
      if (this.#options.client) {
        this.#client = this.#options.client;
      } else {
        this.#client = new PlatformClient({
          token: this.settings.token,
          platformUrl: this.settings.platformUrl,
          logger: this.#logger,
        });
        this.#ownsClient = true;
      }
      const client = this.#client;
      const store =
        this.#options.outboxStore ??
        (this.settings.stateDir
          ? new FileOutboxStore(this.settings.stateDir)
          : new MemoryOutboxStore());
      this.#outbox = new Outbox({
        client,
        store,
        logger: this.#logger,
        backoff: this.#options.outboxBackoff,
      });
      await this.#outbox.open();
      this.#logger.debug('worker starting', {
        concurrency: this.settings.concurrency,
        handlers: this.#registry.types(),
      });
      if (this.#options.handleSignals !== false) {
        this.#uninstallSignals = installSignalHandlers(this, { logger: this.#logger });
      }
      // 2. Startup hooks (reconciliation).
      for (const hook of this.#options.startupHooks ?? []) {
        try {
          await hook({ client, settings: this.settings, logger: this.#logger, signal });
        } catch (error) {
          if (signal.aborted) throw error;
          this.#logger.error('startup hook failed; continuing', { error: describeError(error) });
        }
      }
      // 3. Health server.
      if (this.settings.healthEnabled) {
        this.#health = await startHealthServer({
          port: this.settings.healthPort,
          host: this.settings.healthHost,
          readiness: () => this.readiness(),
          metrics: () => this.metrics.render(),
        });
        this.#logger.info('health server listening', { url: this.#health.url });
      }
      // 4. Pair, retrying transient failures with backoff.
      await retry(
        (_attempt, s) =>
          client.pair({
            baseUrl: this.settings.baseUrl,
            capabilities,
            slug: this.settings.slug,
            signal: s,
          }),
        {
          maxAttempts: Number.POSITIVE_INFINITY,
          backoff: {
            baseDelayMs: this.#options.pairBackoff?.baseDelayMs ?? 1000,
            maxDelayMs: this.#options.pairBackoff?.maxDelayMs ?? 60_000,
          },
          signal,
          onRetry: (error, attempt, delayMs) =>
            this.#logger.warn('pairing failed; retrying', {
              attempt,
              delayMs,
              error: describeError(error),
            }),
        },
      ).catch((error: unknown) => {
        if (signal.aborted || !(error instanceof ApiError)) throw error;
        const Fatal =
          error instanceof AuthenticationError || error instanceof PermissionDeniedError
            ? WorkerFatalError
            : PairingError;
        throw new Fatal(`Pairing was refused (HTTP ${error.status}): ${error.message}`, {
          cause: error,
        });
      });
      this.#paired = true;
      this.#logger.info('paired', { capabilities: Object.keys(capabilities) });
      // 5. Polling loop, and recovery of tasks a crash left `running`.
      const outbox = this.#outbox;
      this.#loop = new PollingLoop({
        client,
        concurrency: this.settings.concurrency,
        intervalMs: this.settings.pollIntervalMs,
        backoffMaxMs: this.settings.pollBackoffMaxMs,
        isBusy: (id) => outbox.hasTask(id),
        dispatch: (task) => this.#run(task),
        onFatal: (error) => void this.#fail(error),
        logger: this.#logger,
        metrics: this.metrics,
      });
      await this.#recover(client, signal);
      if (signal.aborted) return;
      this.#machine.transition('running');
      void this.#loop.start();
    } catch (error) {
      if (signal.aborted && this.#stopping) return;
      await this.#fail(error);
      throw error;
    }
  }

  /** Start, then resolve when the worker stops (reject when it fails). */
  async run(): Promise<void> {
    await this.start();
    await this.wait();
  }

  /** Resolves when the worker has stopped; rejects with the fatal error when it failed. */
  wait(): Promise<void> {
    return this.#done.promise;
  }

  /**
   * Drain: stop taking tasks, wait up to `graceMs` for in-flight ones, then abort their
   * signals and report them `failed` with `{reason: 'shutdown'}`; flush the outbox; close.
   * Idempotent (later calls return the first call's result).
   */
  stop(options: { graceMs?: number | undefined } = {}): Promise<StopResult> {
    this.#stopping ??= this.#stop(options.graceMs ?? this.settings.shutdownGraceMs);
    return this.#stopping;
  }

  /** Abort in-flight tasks now (a second signal); resolves when the stop completes. */
  forceStop(): Promise<StopResult> {
    this.#shutdown.abort();
    return this.stop({ graceMs: 0 });
  }

  /** Same as `stop()`, for `await using`. */
  async close(): Promise<void> {
    await this.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #run(task: SatelliteTask): Promise<void> {
    const outbox = this.#outbox;
    const client = this.#client;
    if (!outbox || !client) return;
    await runTask(task, {
      registry: this.#registry,
      client,
      settings: this.settings,
      logger: this.#logger,
      outbox,
      metrics: this.metrics,
      shutdownSignal: this.#shutdown.signal,
      onHandlerStart: this.#options.onHandlerStart,
    });
  }

  /** Crash recovery: this satellite's tasks left `running` by a previous process (reference §18.5). */
  async #recover(client: SatellitePlatform, signal: AbortSignal): Promise<void> {
    const outbox = this.#outbox as Outbox;
    const running = await retry((_a, s) => client.listTasks({ status: 'running', signal: s }), {
      maxAttempts: 5,
      signal,
    }).catch((error: unknown) => {
      if (signal.aborted) throw error;
      this.#logger.warn('could not list running tasks for recovery; skipping it', {
        error: describeError(error),
      });
      return [] as SatelliteTask[];
    });
    for (const task of running) {
      if (task.status !== 'running' || outbox.hasTask(task.id)) continue;
      const handler = this.#registry.get(task.type);
      if (handler?.idempotent) {
        this.#logger.info('re-running a task left running by a previous process', {
          taskId: task.id,
          taskType: task.type,
        });
        void this.#loop?.run(task);
      } else {
        this.#logger.warn('failing a task left running by a previous process', {
          taskId: task.id,
          taskType: task.type,
        });
        await outbox.enqueue(task.id, 'failed', { reason: 'worker restarted' });
      }
    }
  }

  async #stop(graceMs: number): Promise<StopResult> {
    if (this.state === 'idle') {
      this.#machine.transition('stopped');
      this.#done.resolve();
      return { clean: true, abortedTasks: 0, undelivered: 0 };
    }
    if (this.state === 'failed' || this.state === 'stopped') {
      return { clean: false, abortedTasks: 0, undelivered: this.outboxPending };
    }
    this.#machine.transition('stopping');
    this.#startup.abort();
    await this.#loop?.stop();
    this.#machine.transition('draining');
    const before = this.inFlight.length;
    const drained = await this.#drainWithin(graceMs);
    let abortedTasks = 0;
    if (!drained) {
      abortedTasks = this.inFlight.length;
      this.#logger.warn('grace period over; aborting in-flight tasks', { abortedTasks, graceMs });
      this.#shutdown.abort();
      await this.#loop?.drain();
    } else if (this.#shutdown.signal.aborted) {
      abortedTasks = before;
    }
    const undelivered = await this.#closeResources();
    this.#machine.transition('stopped');
    this.#uninstallSignals?.();
    this.#done.resolve();
    return { clean: drained && abortedTasks === 0, abortedTasks, undelivered };
  }

  async #drainWithin(graceMs: number): Promise<boolean> {
    if (!this.#loop || this.inFlight.length === 0) return true;
    if (this.#shutdown.signal.aborted) return false;
    const timeout = new AbortController();
    const timer = sleep(graceMs, timeout.signal).then(
      () => false,
      () => false,
    );
    const onForce = (): void => timeout.abort();
    this.#shutdown.signal.addEventListener('abort', onForce, { once: true });
    const drained = await Promise.race([this.#loop.drain().then(() => true), timer]);
    timeout.abort();
    this.#shutdown.signal.removeEventListener('abort', onForce);
    return drained && !this.#shutdown.signal.aborted;
  }

  async #closeResources(): Promise<number> {
    let undelivered = 0;
    if (this.#outbox) {
      const flushMs = this.#shutdown.signal.aborted
        ? Math.min(this.#options.outboxFlushMs ?? 10_000, 2000)
        : (this.#options.outboxFlushMs ?? 10_000);
      await this.#outbox.flush({ timeoutMs: flushMs });
      undelivered = this.#outbox.pending;
      if (undelivered > 0) {
        this.#logger[this.settings.stateDir ? 'warn' : 'error']('outbox not empty at shutdown', {
          undelivered,
          kept: Boolean(this.settings.stateDir || this.#options.outboxStore),
        });
      }
      await this.#outbox.close();
    }
    await this.#health?.close();
    if (this.#ownsClient) await this.#client?.close();
    return undelivered;
  }

  async #fail(error: unknown): Promise<void> {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.#fatal =
      error instanceof WorkerFatalError || error instanceof PairingError
        ? (error as WorkerFatalError)
        : new WorkerFatalError(`Worker failed: ${describeError(error)}`, { cause: error });
    this.#logger.error('worker failed', { error: this.#fatal.message });
    this.#startup.abort();
    this.#shutdown.abort();
    await this.#loop?.stop();
    await this.#loop?.drain();
    await this.#closeResources().catch(() => 0);
    this.#machine.transition('failed', this.#fatal.message);
    this.#uninstallSignals?.();
    this.#done.reject(this.#fatal);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
