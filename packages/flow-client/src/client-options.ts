// docs/protocols/ai-spine.md §1, §2 and §10 (base URL, prefix, auth, retries).
import { ClientSettings, type Env, type RetryOptions, type TransportOptions } from '@uplink/http';

/**
 * The current production host (JS SDK 2.5.x, Python SDK 2.3.x), used when neither `baseUrl`
 * nor `AI_SPINE_BASE_URL` is set. It is a public host run by a third party: set your own.
 */
export const DEFAULT_BASE_URL = 'https://ai-spine-api.up.railway.app';

/** Environment variables read for the API host when `baseUrl` is not given, first non-empty wins. */
export const BASE_URL_ENV_VARS = ['AI_SPINE_BASE_URL'] as const;

/** Environment variables read for the API key when `apiKey` is not given, first non-empty wins. */
export const API_KEY_ENV_VARS = ['AI_SPINE_API_KEY'] as const;

/** The prefix current SDKs use for flows, executions and agents. */
export const DEFAULT_API_PREFIX = '/api/v1';

/**
 * Statuses the flow client retries for calls that may be repeated. 500 is left out: the
 * backend turns deterministic failures (bad bodies, missing rows) into 500, so a retry only
 * repeats them.
 */
export const FLOW_RETRY_STATUSES: readonly number[] = [408, 429, 502, 503, 504];

// Keys are `sk_` + URL-safe base64, or `ai-spine-...`; anything usable in a header is accepted.
const API_KEY_PATTERN = /^[\x21-\x7e]+$/;

/** Options for `new FlowClient()`. */
export interface FlowClientOptions extends TransportOptions {
  /**
   * The AI Spine API host. A trailing slash is removed. When neither this nor
   * `AI_SPINE_BASE_URL` is set, the client talks to the public production host
   * `https://ai-spine-api.up.railway.app` (run by a third party): set your own server.
   * @default env AI_SPINE_BASE_URL, then 'https://ai-spine-api.up.railway.app'
   */
  baseUrl?: string | undefined;
  /**
   * API key, sent as `Authorization: Bearer <key>` only when set. Keys without the `sk_`
   * prefix (master and legacy keys) are accepted; spaces, line breaks and non-ASCII characters
   * are a `ConfigurationError`. Never logged or shown in errors.
   * @default env AI_SPINE_API_KEY, else none (no Authorization header; the backend's auth is off by default)
   */
  apiKey?: string | undefined;
  /**
   * Environment to read `AI_SPINE_BASE_URL` and `AI_SPINE_API_KEY` from (tests pass their own).
   * @default globalThis.process?.env, or {} where there is none
   */
  env?: Env | undefined;
  /**
   * Prefix of the flow, execution and agent routes. `''` selects the root routes, which
   * enforce the key when the server requires one. `/health`, `/metrics` and `/status` are
   * always at the root.
   * @default '/api/v1'
   */
  apiPrefix?: string | undefined;
  /**
   * Retry policy for calls that may be repeated (GET, DELETE). `executeFlow` and
   * `createAgent` are never retried. `false` turns retries off.
   * @default { maxRetries: 2, statuses: [408, 429, 502, 503, 504] }
   */
  retry?: RetryOptions | false | undefined;
}

/** {@link FlowClientOptions} checked, with defaults applied. */
export interface ResolvedFlowClientOptions {
  baseUrl: string;
  /** The key from `apiKey` or `AI_SPINE_API_KEY`, if any. */
  apiKey: string | undefined;
  apiPrefix: string;
  retry: RetryOptions | false;
}

/** Check the flow-specific options and apply defaults; throws {@link ConfigurationError} listing every problem. */
export function resolveFlowClientOptions(options: FlowClientOptions): ResolvedFlowClientOptions {
  const settings = new ClientSettings(options);
  const baseUrl = settings.baseUrl(options.baseUrl, {
    envNames: BASE_URL_ENV_VARS,
    fallback: DEFAULT_BASE_URL,
    example: 'https://spine.example.com',
  });
  const key = settings.pick(options.apiKey, 'apiKey', API_KEY_ENV_VARS);
  const apiPrefix = (options.apiPrefix ?? DEFAULT_API_PREFIX).replace(/\/+$/, '');
  if (apiPrefix !== '' && !/^\/[A-Za-z0-9._~/-]*$/.test(apiPrefix)) {
    settings.problem(
      'apiPrefix',
      `expected '' or a path starting with "/" such as '/api/v1', received ${JSON.stringify(options.apiPrefix)}`,
    );
  }
  // Never echo the value in these messages: it is a credential.
  const apiKey = key === undefined ? undefined : key.value;
  if (key !== undefined && (typeof apiKey !== 'string' || apiKey.trim() === '')) {
    settings.problem(key.setting, 'expected a non-empty string or undefined');
  } else if (key !== undefined && !API_KEY_PATTERN.test(apiKey as string)) {
    // fetch would reject the header later with a message quoting part of the key.
    settings.problem(
      key.setting,
      'expected printable ASCII without spaces or line breaks (check for a stray newline or whitespace around the key)',
    );
  }
  settings.checkTransport(options);
  settings.throwIfInvalid();
  const retry: RetryOptions | false =
    options.retry === false ? false : { statuses: [...FLOW_RETRY_STATUSES], ...options.retry };
  return { baseUrl, apiKey: apiKey as string | undefined, apiPrefix, retry };
}
