// docs/protocols/luml.md §8 (pairing), §9 (startup order), §20 and §23 (runtime duties)
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import { recoverInterruptedTasks } from './crash-recovery.js';
import { hostOf, seconds } from './describe.js';
import { PairingError, WorkerFatalError } from './errors.js';
import type { Handler } from './handler.js';
import { HandlerRegistry } from './handler-registry.js';
import { HandlerTracker } from './handler-tracker.js';
import { type HealthServer, type Readiness, startHealthServer } from './health-server.js';
import { WorkerMetrics } from './metrics.js';
import type { Outbox } from './outbox.js';
import { pairWithRetry } from './pairing.js';
import { PollingLoop } from './polling-loop.js';
import { computeReadiness } from './readiness.js';
import { rejectTaskRow } from './reject-task-row.js';
import type { WorkerSettings } from './settings.js';
import { installSignalHandlers } from './signals.js';
import { openClientAndOutbox, runStartupHooks } from './startup.js';
import type { StateLock } from './state-lock.js';
import { runTask } from './task-runner.js';
import { resolveWorkerConfig } from './worker-config.js';
import { reportedByRunner, type StopResult, type WorkerOptions } from './worker-options.js';
import { awaitAbortedHandlers, closeResources, drainTasks } from './worker-shutdown.js';
import { type WorkerState, type WorkerStateChange, WorkerStateMachine } from './worker-state.js';

/** Status updates not yet accepted by the platform beyond which no new task starts. */
const MAX_UNACCEPTED_UPDATES = 64;

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
  readonly #handlersRunning = new HandlerTracker();
  /** Where the token came from, named in 401/403 errors. */
  readonly #tokenSource: string;
  #started = false;
  #client: SatellitePlatform | undefined;
  #ownsClient = false;
  #outbox: Outbox | undefined;
  #lock: StateLock | undefined;
  #loop: PollingLoop | undefined;
  #health: HealthServer | undefined;
  #paired = false;
  #stopping: Promise<StopResult> | undefined;
  #fatal: WorkerFatalError | undefined;
  #uninstallSignals: (() => void) | undefined;
  #done: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void };

  /**
   * @throws ConfigurationError listing every bad or missing setting (and a bad `UPLINK_LOG`)
   *   at once; the token is never shown.
   */
  constructor(options: WorkerOptions = {}) {
    this.#options = options;
    const config = resolveWorkerConfig(options);
    this.settings = config.settings;
    this.#logger = config.logger;
    this.#tokenSource = config.tokenSource;
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
    const loop = this.#loop;
    return computeReadiness({
      state: this.state,
      paired: this.#paired,
      lastPollSuccessMs: this.metrics.lastPollSuccessMs,
      lastDeliveryMs: this.metrics.lastDeliveryMs,
      // The loop holds its polls while tasks it took wait for a slot (or, keeping no queue,
      // while every slot is taken); a poll that failed is not holding.
      busy:
        loop !== undefined &&
        loop.consecutiveErrors === 0 &&
        (loop.queued.length > 0 ||
          (this.#options.maxQueuedTasks === 0 &&
            loop.inFlight.length >= this.settings.concurrency)),
      outboxPending: this.outboxPending,
      maxAgeMs: this.settings.readyMaxAgeMs,
    });
  }

  /**
   * Start: lock the state directory → open the client → startup hooks → health server → pair
   * (retrying) → resolve tasks left `running` → poll. Resolves once polling has begun.
   * @throws ConfigurationError (no capability), PairingError (refused), WorkerFatalError
   *   (StateDirectoryLockedError while another worker holds `stateDir`).
   */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`start() called while the worker is ${this.state}`);
    this.#machine.transition('starting');
    const signal = this.#startup.signal;
    try {
      const capabilities = this.#registry.capabilities();
      // 1. Lock the state directory, open the client and the outbox (which resumes updates left
      //    by a previous run).
      const opened = await openClientAndOutbox(this.settings, this.#options, this.#logger, () =>
        this.metrics.recordDelivery(),
      );
      const { client, outbox } = opened;
      this.#lock = opened.lock;
      this.#client = client;
      this.#ownsClient = opened.ownsClient;
      this.#outbox = outbox;
      this.#logger.debug('worker starting', {
        concurrency: this.settings.concurrency,
        handlers: this.#registry.types(),
      });
      if (this.#options.handleSignals !== false) {
        this.#uninstallSignals = installSignalHandlers(this, { logger: this.#logger });
      }
      // 2. Startup hooks (reconciliation).
      await runStartupHooks(this.#options.startupHooks, {
        client,
        settings: this.settings,
        logger: this.#logger,
        signal,
      });
      // 3. Health server.
      if (this.settings.healthEnabled) {
        this.#health = await startHealthServer({
          port: this.settings.healthPort,
          host: this.settings.healthHost,
          readiness: () => this.readiness(),
          metrics: () => this.metrics.render(),
        });
      }
      // 4. Pair, retrying transient failures with backoff.
      const platformUrl = (client as { baseUrl?: unknown }).baseUrl;
      const platform = typeof platformUrl === 'string' ? platformUrl : this.settings.platformUrl;
      const satellite = await pairWithRetry({
        client,
        settings: this.settings,
        capabilities,
        backoff: this.#options.pairBackoff,
        logger: this.#logger,
        signal,
        tokenSource: this.#tokenSource,
      });
      this.#paired = true;
      this.#logger.info(
        `paired as ${satellite.id} (${satellite.name ?? 'unnamed'}) with ${hostOf(platform)}`,
        { satelliteId: satellite.id, capabilities: Object.keys(capabilities) },
      );
      // Said only now, though it answers /livez while pairing: a worker that cannot pair ends
      // with its one error line, not with a line about a server it is about to close.
      if (this.#health) {
        this.#logger.info(`health server listening on ${this.#health.url}`, {
          url: this.#health.url,
        });
      }
      // 5. Polling loop, and recovery of tasks a crash left `running`.
      this.#loop = new PollingLoop({
        client,
        concurrency: this.settings.concurrency,
        maxQueuedTasks: this.#options.maxQueuedTasks,
        intervalMs: this.settings.pollIntervalMs,
        backoffMaxMs: this.settings.pollBackoffMaxMs,
        isBusy: (id) => outbox.hasTask(id),
        // Stay close to what the platform has accepted: a burst of quick tasks neither grows the
        // outbox without bound nor leaves the next poll listing tasks only our updates would end.
        holdStarts: () => outbox.pending >= MAX_UNACCEPTED_UPDATES,
        dispatch: (task) => this.#run(task),
        reject: (row) =>
          rejectTaskRow(row, { outbox, logger: this.#logger, metrics: this.metrics }),
        onFatal: (error) => void this.#fail(error),
        logger: this.#logger,
        metrics: this.metrics,
        host: hostOf(platform),
        tokenSource: this.#tokenSource,
      });
      outbox.onProgress(() => this.#loop?.wake());
      await recoverInterruptedTasks({
        client,
        outbox,
        registry: this.#registry,
        logger: this.#logger,
        signal,
        rerun: (task) => void this.#loop?.run(task),
        reject: (row) =>
          rejectTaskRow(row, { outbox, logger: this.#logger, metrics: this.metrics }),
        backoff: this.#options.pairBackoff,
      });
      if (signal.aborted) return;
      this.#machine.transition('running');
      this.#started = true;
      this.#logger.info(
        `polling ${platform}/satellites/v1/tasks every ${seconds(this.settings.pollIntervalMs)}`,
      );
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

  /** Same as `stop()`, for `await using`. */
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
      onHandlerRun: (settled) => this.#handlersRunning.add(settled),
    });
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
    // Counted now: after a forced stop, the tasks in flight at this moment are the aborted ones,
    // even those that have already finished failing by the time polling has stopped.
    const before = this.inFlight.length;
    this.#machine.transition('stopping');
    this.#startup.abort();
    await this.#loop?.stop();
    this.#machine.transition('draining');
    const { drained, abortedTasks } = await drainTasks(
      this.#loop,
      graceMs,
      before,
      this.#shutdown,
      this.#logger,
    );
    await this.#awaitAbortedHandlers();
    const undelivered = await this.#closeResources();
    this.#machine.transition('stopped');
    this.#uninstallSignals?.();
    this.#logger.info(
      drained && abortedTasks === 0 && undelivered === 0
        ? 'stopped'
        : `stopped (${abortedTasks} task(s) aborted, ${undelivered} status update(s) undelivered)`,
      { abortedTasks, undelivered },
    );
    this.#done.resolve();
    return { clean: drained && abortedTasks === 0, abortedTasks, undelivered };
  }

  #awaitAbortedHandlers(): Promise<void> {
    return awaitAbortedHandlers(this.#handlersRunning, this.settings.abortGraceMs, this.#logger);
  }

  #closeResources(): Promise<number> {
    const flushMs = this.#options.outboxFlushMs ?? 10_000;
    return closeResources(
      {
        outbox: this.#outbox,
        lock: this.#lock,
        health: this.#health,
        client: this.#client,
        ownsClient: this.#ownsClient,
      },
      // A forced stop gives the outbox less time.
      this.#shutdown.signal.aborted ? Math.min(flushMs, 2000) : flushMs,
      { stateDir: Boolean(this.settings.stateDir), store: Boolean(this.#options.outboxStore) },
      this.#logger,
    );
  }

  async #fail(error: unknown): Promise<void> {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.#fatal =
      error instanceof WorkerFatalError || error instanceof PairingError
        ? (error as WorkerFatalError)
        : new WorkerFatalError(`Worker failed: ${describeError(error)}`, { cause: error });
    // A start that fails rejects with the error, which is the report; a running worker that
    // fails has no caller to tell but wait(), so it logs the error too (unless runWorker prints it).
    if (this.#started && !reportedByRunner.has(this.#options)) {
      this.#logger.error(`stopping: ${this.#fatal.message}`, { error: this.#fatal.message });
    }
    this.#startup.abort();
    this.#shutdown.abort();
    await this.#loop?.stop();
    await this.#loop?.drain();
    await this.#awaitAbortedHandlers();
    await this.#closeResources().catch(() => 0);
    if (this.#machine.can('failed')) this.#machine.transition('failed', this.#fatal.message);
    this.#uninstallSignals?.();
    this.#done.reject(this.#fatal);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
