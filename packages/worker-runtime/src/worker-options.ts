import type { SatelliteTask } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import type { Handler } from './handler.js';
import type { OutboxStore } from './outbox-store.js';
import type { SettingsOverrides, WorkerSettings } from './settings.js';

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

/**
 * Runs after the client opens and before pairing, e.g. to reconcile deployments
 * (docs/protocols/luml.md §12).
 */
export type StartupHook = (context: StartupContext) => void | Promise<void>;

/** Options for `new Worker(options)`. */
export interface WorkerOptions {
  /**
   * Settings; missing ones come from `env` through {@link loadSettings}.
   * @default loadSettings(env)
   */
  settings?: SettingsOverrides | undefined;
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
   * Listed tasks kept waiting for a free slot, so a backlog costs one poll per batch instead of
   * one per task (see `PollingLoopOptions.maxQueuedTasks`; 0 polls again for every free slot).
   * @default 10000
   */
  maxQueuedTasks?: number | undefined;
  /**
   * The platform client.
   * @default new PlatformClient({ token, baseUrl: settings.platformUrl, logger })
   */
  client?: SatellitePlatform | undefined;
  /**
   * Where to log. Secret values (the token) are redacted. Without one, the worker writes
   * human-readable lines on stderr at `info` (paired, polling, each task's start and end,
   * retries, draining, stopped); `UPLINK_LOG` (read from `env`) changes the level
   * (`debug`, `warn`, `error`), the format (`json` for JSON lines, as in `UPLINK_LOG=info,json`)
   * or turns it off (`UPLINK_LOG=silent`). Pass `silentLogger` from `@uplink/http` to silence it
   * in code.
   * @default a text logger on stderr at info, as UPLINK_LOG selects
   */
  logger?: Logger | undefined;
  /** Hooks run in order after the client opens and before pairing. */
  startupHooks?: StartupHook[] | undefined;
  /**
   * Install SIGINT/SIGTERM handlers: drain on the first signal, force on the second (aborting
   * the tasks' signals; handlers get `settings.abortGraceMs` to return), exit at once on the
   * third; after the stop, exit with 0 after a clean drain or 128 + the signal number otherwise.
   * `false` for embedding and tests.
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
   * Backoff of pairing retries (transient errors only; retried until `stop()`), also used
   * between the (at most 5) attempts to list tasks for crash recovery.
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
 * Options objects of workers that `runWorker` started: it prints their fatal error itself, so
 * the worker does not also log it (one problem, reported once).
 */
export const reportedByRunner = new WeakSet<WorkerOptions>();
