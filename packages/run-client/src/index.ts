/**
 * @uplink/run-client: a typed client for agent-sdk's run, session and event API, with
 * gap-free event streams over SSE and WebSocket and an AG-UI adapter. Runtime-neutral:
 * nothing here imports `node:*`.
 */

export {
  type AgUiEvent,
  type AgUiRaw,
  type AgUiRunError,
  type AgUiRunFinished,
  type AgUiRunStarted,
  type AgUiTextMessageContent,
  type AgUiTextMessageEnd,
  type AgUiTextMessageStart,
  type ToAgUiOptions,
  toAgUiEvents,
} from './ag-ui.js';
export {
  API_KEY_ENV,
  API_KEY_ENV_VARS,
  BASE_URL_ENV,
  BASE_URL_ENV_VARS,
  DEFAULT_BASE_URL,
  ORG_ID_ENV,
  ORG_ID_ENV_VARS,
  PROJECT_ID_ENV,
  PROJECT_ID_ENV_VARS,
  type ResolvedRunClientOptions,
  type RunClientOptions,
  resolveRunClientOptions,
} from './client-options.js';
export {
  connectGateway,
  type GatewayCallOptions,
  GatewayClient,
  type GatewayRunRequest,
  type GatewaySubscribeOptions,
} from './gateway/gateway-client.js';
export { GatewayError, type GatewayErrorInit } from './gateway/gateway-error.js';
export {
  type GatewayOptions,
  type GatewayReconnectOptions,
  gatewayUrl,
  type WebSocketConstructor,
  type WebSocketLike,
} from './gateway/gateway-options.js';
export { attachRequestId, type WithRequestId } from './request-meta.js';
export {
  driveRun,
  type EnvelopeSource,
  type ResumeDriverInit,
  type ResumeLimits,
} from './resume-driver.js';
export { type BasePath, type RunRoutes, runRoutes } from './routes.js';
export {
  type CallOptions,
  type EventsOptions,
  type ReplayOptions,
  type RunCallOptions,
  RunClient,
  type RunOutcome,
  type StreamOptions,
} from './run-client.js';
export {
  type FromReadableStreamOptions,
  type RunCancelHook,
  type RunMessage,
  RunStream,
  type RunStreamInit,
  type RunStreamResult,
} from './run-stream.js';
export {
  RunStreamError,
  type RunStreamErrorCode,
  type RunStreamErrorInit,
} from './run-stream-error.js';
export { SeqTracker, type SeqVerdict } from './seq-tracker.js';
export { SDK_VERSION } from './version.js';
export { type WaitForRunOptions, WaitTimeoutError } from './wait-for-run.js';
