import { ClientSettings, type Env, type RetryOptions, type TransportOptions } from '@uplink/http';
import type { ApiVersion } from './routes.js';

/** Default base URL: a llama-orch server on loopback. */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/**
 * Environment variables read for the server URL when `baseUrl` is not given, first non-empty
 * wins: the convention's `LLAMA_ORCH_BASE_URL`, then `LLAMA_ORCH_URL`.
 */
export const BASE_URL_ENV_VARS = ['LLAMA_ORCH_BASE_URL', 'LLAMA_ORCH_URL'] as const;

/**
 * Environment variables read for the credential when neither `apiKey` nor `token` is given. It
 * is sent the way the API generation expects: `X-API-Key` on v1, `Authorization: Bearer` on v2.
 */
export const API_KEY_ENV_VARS = ['LLAMA_ORCH_API_KEY'] as const;

/** Options of {@link OrchClient}. */
export interface OrchClientOptions extends TransportOptions {
  /**
   * The server's base URL (scheme, host, port; an optional path prefix is kept).
   * @default env LLAMA_ORCH_BASE_URL, then LLAMA_ORCH_URL, then 'http://127.0.0.1:8080'
   */
  baseUrl?: string | undefined;
  /**
   * API generation: `v1` (X-API-Key, `/v1/...`) or `v2` (Bearer, `/v2/...`, `/v2/meta/capabilities`,
   * `/v2/tasks/{id}/events`).
   * @default 'v1'
   */
  apiVersion?: ApiVersion | undefined;
  /**
   * Sent as `X-API-Key` (v1 auth). Never logged.
   * @default env LLAMA_ORCH_API_KEY on v1 when `token` is not set either, else none
   */
  apiKey?: string | undefined;
  /**
   * Sent as `Authorization: Bearer` (v2 auth); a function is called per attempt. Never logged.
   * @default env LLAMA_ORCH_API_KEY on v2 when `apiKey` is not set either, else none
   */
  token?: string | (() => string | Promise<string>) | undefined;
  /**
   * Environment to read `LLAMA_ORCH_BASE_URL` (or `LLAMA_ORCH_URL`) and `LLAMA_ORCH_API_KEY`
   * from (tests pass their own).
   * @default globalThis.process?.env, or {} where there is none
   */
  env?: Env | undefined;
  /**
   * `X-Correlation-Id` sent on every request. When absent, each call gets a new UUID (a
   * completion uses one id for its enqueue, stream and cancel).
   * @default undefined (a new UUID per call)
   */
  correlationId?: string | undefined;
  /**
   * Timeout of one attempt of a non-streaming call, in milliseconds.
   * @default 30000
   */
  timeoutMs?: number | undefined;
  /**
   * A stream that sends nothing for this long fails with `TimeoutError('idle')`.
   * @default 60000
   */
  streamIdleTimeoutMs?: number | undefined;
  /**
   * How long the cancel sent on abort may take before it is given up (it is best-effort).
   * @default 5000
   */
  cancelTimeoutMs?: number | undefined;
  /**
   * Retry policy of `@uplink/http` for the calls that are safe to repeat (capabilities, health,
   * sessions, cancel, the stream request), honouring `Retry-After`, `X-Backoff-Ms` and
   * `retry_after_ms` up to `maxRetryDelayMs`. `POST …/tasks` is never retried by it: llama-orch
   * admits a repeated `task_id` twice (see `admissionRetry` on `enqueueTask` for refusals).
   * `false` turns retries off.
   * @default { maxRetries: 2 } (the http defaults)
   */
  retry?: RetryOptions | false | undefined;
}

/** {@link OrchClientOptions} after validation and defaults. */
export interface ResolvedOrchClientOptions {
  baseUrl: string;
  apiVersion: ApiVersion;
  /** `apiKey`, or `LLAMA_ORCH_API_KEY` on v1 when no credential was passed. */
  apiKey: string | undefined;
  /** `token`, or `LLAMA_ORCH_API_KEY` on v2 when no credential was passed. */
  token: OrchClientOptions['token'];
  streamIdleTimeoutMs: number;
  cancelTimeoutMs: number;
}

/** Validate options, listing every problem at once in a {@link ConfigurationError}. */
export function resolveOrchClientOptions(options: OrchClientOptions): ResolvedOrchClientOptions {
  const settings = new ClientSettings(options);
  const baseUrl = settings.baseUrl(options.baseUrl, {
    envNames: BASE_URL_ENV_VARS,
    fallback: DEFAULT_BASE_URL,
  });
  const apiVersion = options.apiVersion ?? 'v1';
  if (apiVersion !== 'v1' && apiVersion !== 'v2') {
    settings.problem('apiVersion', `expected 'v1' or 'v2', got ${String(apiVersion)}`);
  }
  if (
    options.apiKey !== undefined &&
    (typeof options.apiKey !== 'string' || options.apiKey === '')
  ) {
    settings.problem('apiKey', 'expected a non-empty string');
  }
  if (
    options.token !== undefined &&
    typeof options.token !== 'function' &&
    (typeof options.token !== 'string' || options.token === '')
  ) {
    settings.problem('token', 'expected a non-empty string or a function');
  }
  if (
    options.correlationId !== undefined &&
    (typeof options.correlationId !== 'string' ||
      !/^[\x21-\x7e]{1,256}$/.test(options.correlationId))
  ) {
    settings.problem(
      'correlationId',
      'expected 1 to 256 visible ASCII characters (it is sent as a header)',
    );
  }
  settings.checkTransport(options);
  settings.duration('streamIdleTimeoutMs', options.streamIdleTimeoutMs);
  settings.duration('cancelTimeoutMs', options.cancelTimeoutMs);
  settings.throwIfInvalid();
  // The key from the environment goes where this API generation reads a credential.
  const { apiKey, token } = options;
  const envKey = (apiKey ?? token) ? undefined : settings.pick(undefined, '', API_KEY_ENV_VARS);
  const key = envKey?.value as string | undefined;
  const v1 = apiVersion === 'v1';
  return {
    baseUrl,
    apiVersion,
    apiKey: apiKey ?? (v1 ? key : undefined),
    token: token ?? (v1 ? undefined : key),
    streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? 60_000,
    cancelTimeoutMs: options.cancelTimeoutMs ?? 5_000,
  };
}
