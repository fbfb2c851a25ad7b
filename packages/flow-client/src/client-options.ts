// docs/protocols/ai-spine.md §1, §2 and §10 (base URL, prefix, auth, retries).
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import {
  type Env,
  firstEnv,
  type RetryOptions,
  readProcessEnv,
  type TransportOptions,
} from '@uplink/http';

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

const isRecord = (value: unknown): value is Env =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An explicit option (even an invalid one, to be reported), else the first variable set. */
function pick(
  explicit: unknown,
  option: string,
  env: Env,
  names: readonly string[],
): { value: unknown; setting: string } | undefined {
  if (explicit !== undefined) return { value: explicit, setting: option };
  const found = firstEnv(env, names);
  return found && { value: found.value, setting: found.name };
}

function checkBaseUrl(value: string, setting: string, problems: ConfigurationProblem[]): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    problems.push({
      setting,
      message: `expected an absolute http(s) URL such as "https://spine.example.com", got ${JSON.stringify(value.slice(0, 100))}`,
    });
  }
}

/** Check the flow-specific options and apply defaults; throws {@link ConfigurationError} listing every problem. */
export function resolveFlowClientOptions(options: FlowClientOptions): ResolvedFlowClientOptions {
  // Timeouts and retry values are checked by @uplink/http's createRequestClient.
  const problems: ConfigurationProblem[] = [];
  if (options.env !== undefined && !isRecord(options.env)) {
    problems.push({ setting: 'env', message: 'expected an object of environment variables' });
  }
  const env = isRecord(options.env) ? options.env : readProcessEnv();
  const url = pick(options.baseUrl, 'baseUrl', env, BASE_URL_ENV_VARS);
  // An explicit `baseUrl` of the wrong type is left to createRequestClient, which reports it.
  if (url && typeof url.value === 'string') checkBaseUrl(url.value, url.setting, problems);
  const baseUrl =
    url === undefined ? DEFAULT_BASE_URL : String(url.value).trim().replace(/\/+$/, '');
  const key = pick(options.apiKey, 'apiKey', env, API_KEY_ENV_VARS);
  const apiPrefix = (options.apiPrefix ?? DEFAULT_API_PREFIX).replace(/\/+$/, '');
  if (apiPrefix !== '' && !/^\/[A-Za-z0-9._~/-]*$/.test(apiPrefix)) {
    problems.push({
      setting: 'apiPrefix',
      message: `expected '' or a path starting with "/" such as '/api/v1', received ${JSON.stringify(options.apiPrefix)}`,
    });
  }
  // Never echo the value in these messages: it is a credential.
  const apiKey = key === undefined ? undefined : key.value;
  if (key !== undefined && (typeof apiKey !== 'string' || apiKey.trim() === '')) {
    problems.push({ setting: key.setting, message: 'expected a non-empty string or undefined' });
  } else if (key !== undefined && !API_KEY_PATTERN.test(apiKey as string)) {
    // fetch would reject the header later with a message quoting part of the key.
    problems.push({
      setting: key.setting,
      message:
        'expected printable ASCII without spaces or line breaks (check for a stray newline or whitespace around the key)',
    });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  const retry: RetryOptions | false =
    options.retry === false ? false : { statuses: [...FLOW_RETRY_STATUSES], ...options.retry };
  return { baseUrl, apiKey: apiKey as string | undefined, apiPrefix, retry };
}
