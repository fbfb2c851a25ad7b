/**
 * @uplink/http: the one Uplink transport. Typed requests with retries, timeouts and abort,
 * errors mapped to the core-schemas family, SSE, and redacted logging. Runtime-neutral:
 * nothing here imports `node:*`; the JSON-lines logger lives in `@uplink/http/node`.
 */
export {
  isSecretField,
  isSecretHeader,
  isSecretQueryParam,
  MIN_SCANNED_SECRET_LENGTH,
  REDACTED,
  redactHeaders,
  redactText,
  redactUrl,
  redactValue,
} from '@uplink/core-schemas';
export { anySignal, type CombinedSignal } from './any-signal.js';
export {
  type AuthRequest,
  type AuthStrategy,
  bearer,
  type CredentialSource,
  header,
} from './auth.js';
export { describeKind } from './client-options.js';
export { type BaseUrlSetting, ClientSettings, type PickedSetting } from './client-settings.js';
export { createHttpClient } from './client-sse.js';
export { type BackoffOptions, computeBackoff } from './compute-backoff.js';
export { CredentialMemory } from './credential-memory.js';
export {
  describeErrorBody,
  type ErrorContext,
  errorFromResponse,
  type ServerErrorDetails,
} from './error-from-response.js';
export { createRequestClient } from './http-client.js';
export type {
  HttpClient,
  HttpClientOptions,
  HttpResponse,
  HttpTextResponse,
  QueryParams,
  RequestClient,
  RequestOptions,
  SchemaOutput,
  TransportOptions,
} from './http-types.js';
export { iteratorToStream } from './iterator-to-stream.js';
export { createRedactingLogger, type Logger, silentLogger } from './logger.js';
export {
  errorFromRecord,
  errorToRecord,
  NDJSON_ERROR_KEY,
  type RelayedErrorDetail,
  type ToReadableStreamOptions,
  withoutHosts,
} from './ndjson-error.js';
export { type ReadNdjsonOptions, readNdjson } from './ndjson-reader.js';
export {
  NDJSON_CONTENT_TYPE,
  type ToNdjsonStreamOptions,
  toNdjsonStream,
} from './ndjson-stream.js';
export { parseRetryAfter } from './parse-retry-after.js';
export { randomUuid } from './random-uuid.js';
export { MAX_ERROR_BODY_BYTES, readBodyText } from './read-body.js';
export { type Env, firstEnv, readProcessEnv } from './read-env.js';
export { DEFAULT_RETRY_STATUSES, type RetryOptions } from './retry-policy.js';
export { sleep } from './sleep.js';
export {
  type SSEFromReadableStreamOptions,
  sseStreamFromReadableStream,
} from './sse-from-readable-stream.js';
export { streamSSE } from './sse-stream.js';
export type {
  SSEEventSchemas,
  SSEKnownMessage,
  SSEMessage,
  SSEMessageStream,
  SSEOpen,
  SSEOptions,
  SSEStream,
  SSEUnknownEvents,
  SSEUnknownMessage,
} from './sse-types.js';
export { drainInBackground, StreamResult } from './stream-result.js';
export { pickTransportOptions } from './transport-options.js';
export { buildUserAgent } from './user-agent.js';
export { HTTP_PACKAGE_VERSION } from './version.js';
