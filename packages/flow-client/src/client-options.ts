// docs/protocols/ai-spine.md §1, §2 and §10 (base URL, prefix, auth, retries).
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import type { RetryOptions, TransportOptions } from '@uplink/http';

/** The current production host (JS SDK 2.5.x, Python SDK 2.3.x). */
export const DEFAULT_BASE_URL = 'https://ai-spine-api.up.railway.app';

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
   * The AI Spine API host. A trailing slash is removed.
   * @default 'https://ai-spine-api.up.railway.app'
   */
  baseUrl?: string | undefined;
  /**
   * API key, sent as `Authorization: Bearer <key>` only when set. Keys without the `sk_`
   * prefix (master and legacy keys) are accepted; spaces, line breaks and non-ASCII characters
   * are a `ConfigurationError`. Never logged or shown in errors.
   * @default undefined (no Authorization header; the backend's auth is off by default)
   */
  apiKey?: string | undefined;
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
  apiPrefix: string;
  retry: RetryOptions | false;
}

/** Check the flow-specific options and apply defaults; throws {@link ConfigurationError} listing every problem. */
export function resolveFlowClientOptions(options: FlowClientOptions): ResolvedFlowClientOptions {
  // baseUrl, timeouts and retry values are checked by @uplink/http's createHttpClient.
  const problems: ConfigurationProblem[] = [];
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const apiPrefix = (options.apiPrefix ?? DEFAULT_API_PREFIX).replace(/\/+$/, '');
  if (apiPrefix !== '' && !/^\/[A-Za-z0-9._~/-]*$/.test(apiPrefix)) {
    problems.push({
      setting: 'apiPrefix',
      message: `expected '' or a path starting with "/" such as '/api/v1', received ${JSON.stringify(options.apiPrefix)}`,
    });
  }
  // Never echo the value in these messages: it is a credential.
  if (
    options.apiKey !== undefined &&
    (typeof options.apiKey !== 'string' || options.apiKey.trim() === '')
  ) {
    problems.push({ setting: 'apiKey', message: 'expected a non-empty string or undefined' });
  } else if (options.apiKey !== undefined && !API_KEY_PATTERN.test(options.apiKey)) {
    // fetch would reject the header later with a message quoting part of the key.
    problems.push({
      setting: 'apiKey',
      message:
        'expected printable ASCII without spaces or line breaks (check for a stray newline or whitespace around the key)',
    });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  const retry: RetryOptions | false =
    options.retry === false ? false : { statuses: [...FLOW_RETRY_STATUSES], ...options.retry };
  return { baseUrl, apiPrefix, retry };
}
