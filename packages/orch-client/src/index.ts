/**
 * @uplink/orch-client: a llama-orch client for Node and browsers, with streaming completions.
 * Runtime-neutral: no `node:` imports, no `process` or `Buffer`.
 */

export {
  type AdmissionRetryOptions,
  isAdmissionRefusal,
} from './admission-retry.js';
export { type Budget, parseBudgetHeaders } from './budget-headers.js';
export {
  API_KEY_ENV_VARS,
  BASE_URL_ENV_VARS,
  DEFAULT_BASE_URL,
  type OrchClientOptions,
  type ResolvedOrchClientOptions,
  resolveOrchClientOptions,
} from './client-options.js';
export {
  type CompletionFromReadableStreamOptions,
  completionStreamFromReadableStream,
  type RelayedCompletionResult,
  RelayedCompletionStream,
} from './completion-relay.js';
export {
  type CompletionChunk,
  type CompletionEndLine,
  type CompletionResult,
  type CompletionStartedChunk,
  CompletionStream,
  type CompletionStreamInit,
} from './completion-stream.js';
export {
  AdmissionRejectedError,
  AmbiguousEnqueueError,
  type EnqueueContext,
} from './enqueue-errors.js';
export { type EnqueueResult, resolveStreamUrl } from './enqueue-result.js';
export {
  type CallOptions,
  type CompletionOptions,
  type DrainPoolOptions,
  type EnqueueOptions,
  OrchClient,
  type ReloadPoolOptions,
  type StreamTaskOptions,
} from './orch-client.js';
export { type ApiVersion, type OrchRoutes, routesFor } from './routes.js';
export {
  type TaskEndEvent,
  type TaskErrorEvent,
  type TaskEvent,
  type TaskMetricsEvent,
  type TaskStartedEvent,
  type TaskTokenEvent,
  UNKNOWN_STREAM_ERROR_CODE,
} from './task-events.js';
export type { CompletionRequest, TaskRequestInput } from './task-request-input.js';
export type { TaskStream } from './task-stream.js';
export { TokenOrderer } from './token-orderer.js';
export { SDK_VERSION } from './version.js';
