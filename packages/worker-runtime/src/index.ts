/**
 * @uplink/worker-runtime: the Node runtime for LUML satellites. Handlers with typed payloads,
 * a polling loop with bounded concurrency, an outbox that never loses a result, crash
 * recovery, a health server with Prometheus metrics, and graceful shutdown.
 */

export { WORKER_RESTARTED_RESULT } from './crash-recovery.js';
export { downloadFile } from './download-file.js';
export type { DownloadFileOptions, DownloadProgress, DownloadResult } from './download-options.js';
export { assertSafeFileName, safeFilePath } from './download-target.js';
export {
  DownloadError,
  type DownloadErrorCode,
  PairingError,
  StateDirectoryLockedError,
  TaskExecutionError,
  type TaskExecutionErrorOptions,
  type WorkerFatalCode,
  WorkerFatalError,
} from './errors.js';
export {
  defineHandler,
  type Handler,
  type HandlerDefinition,
  type HandlerResult,
} from './handler.js';
export { HandlerRegistry } from './handler-registry.js';
export {
  type HealthServer,
  type HealthServerOptions,
  type Readiness,
  startHealthServer,
} from './health-server.js';
export type {
  AsJson,
  HandlerReturn,
  JsonObject,
  JsonPrimitive,
  JsonValue,
} from './json-value.js';
export { DURATION_BUCKETS_SECONDS, type TaskOutcome, WorkerMetrics } from './metrics.js';
export { Outbox, type OutboxOptions } from './outbox.js';
export type { SkippedOutboxLine } from './outbox-log.js';
export {
  FileOutboxStore,
  type FileOutboxStoreOptions,
  MemoryOutboxStore,
  OUTBOX_FILE_NAME,
  type OutboxEntry,
  type OutboxStore,
} from './outbox-store.js';
export { pairWithRetry } from './pairing.js';
export { PollingLoop, type PollingLoopOptions } from './polling-loop.js';
export {
  type DeploymentCheck,
  type ReconcileDeploymentsOptions,
  reconcileDeployments,
} from './reconcile-deployments.js';
export { isTransientError, type RetryOptions, retry } from './retry.js';
export {
  describeWorkerError,
  type RunWorkerIo,
  runWorker,
  WORKER_EXIT_CODES,
  workerExitCode,
} from './run-worker.js';
export {
  DEFAULT_SETTINGS,
  loadSettings,
  SETTING_ENV_NAMES,
  type SettingsOverrides,
  type WorkerSettings,
} from './settings.js';
export { installSignalHandlers, type SignalHandlerOptions, signalExitCode } from './signals.js';
export { STATE_LOCK_FILE_NAME, type StateLock } from './state-lock.js';
export type { TaskContext } from './task-context.js';
export { MAX_ERROR_CHARS } from './task-runner.js';
export { type TempDirectory, type TempDirectoryOptions, tempDirectory } from './temp-directory.js';
export { Worker } from './worker.js';
export { WORKER_LOG_DEFAULTS } from './worker-logger.js';
export type { StartupContext, StartupHook, StopResult, WorkerOptions } from './worker-options.js';
export type { WorkerState, WorkerStateChange } from './worker-state.js';
