// docs/protocols/saturn.md §2.1 (base path), §2.3 (one Bearer credential) and §6 (settings)
import {
  ClientSettings,
  describeKind,
  type Env,
  type RetryOptions,
  type TransportOptions,
} from '@uplink/http';
import { resolveCapabilities, type SaturnCapabilities } from './capabilities.js';
import { checkTokenShape } from './credential.js';

/** Environment variables read for the base URL. */
export const BASE_URL_ENV_VARS = ['SATURN_BASE_URL'] as const;
/** Environment variables read for the credential, first non-empty wins (`SATURN_TOKEN` for a JWT). */
export const TOKEN_ENV_VARS = ['SATURN_API_KEY', 'SATURN_TOKEN'] as const;

/**
 * Statuses retried for calls that may be repeated. 500 is left out: on SATURN it is a bad
 * credential or a server defect, and both fail the same way every time.
 */
export const SATURN_RETRY_STATUSES: readonly number[] = [408, 429, 502, 503, 504];

/** Largest success body read, by default. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A credential, fixed or produced per request (a JWT that is refreshed). */
export type TokenSource = string | (() => string | Promise<string>);

/** Options of `new AgentClient(options)`. */
export interface AgentClientOptions extends TransportOptions {
  /**
   * The SATURN server, scheme and host (and any path prefix of a proxy in front of it).
   * @default env SATURN_BASE_URL (required when not given)
   */
  baseUrl?: string | undefined;
  /**
   * The credential: an `sk_...` API key or a user JWT. Both are sent as
   * `Authorization: Bearer <token>`; a function is called before every attempt (to refresh a
   * JWT). Never logged, never shown in an error.
   * @default env SATURN_API_KEY, then SATURN_TOKEN; none (only `/health` works without one)
   */
  token?: TokenSource | undefined;
  /**
   * Prefix of every route. SATURN mounts its routes at the root; its API document and some
   * proxies use `/api/v1`.
   * @default ''
   */
  apiPrefix?: string | undefined;
  /**
   * Features of SATURN's API document that the server does not implement (docs/protocols/saturn.md
   * §2.5). Each is off, and the methods that need it refuse with `CapabilityNotEnabledError`,
   * until you say your server has it.
   * @default every capability off
   */
  capabilities?: SaturnCapabilities | undefined;
  /**
   * Retry policy for calls that may be repeated (reads, and idempotent writes such as disable,
   * attach, detach, reindex). Creates, chat, uploads, PATCH, the usage summary and invoice
   * generation are never retried (SATURN has no idempotency keys). `false` turns retries off.
   * @default { maxRetries: 2, statuses: [408, 429, 502, 503, 504] }
   */
  retry?: RetryOptions | false | undefined;
  /**
   * Largest success body read; a larger one fails with `StreamError('oversized')`.
   * @default 8388608 (8 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * Environment to read `SATURN_BASE_URL`, `SATURN_API_KEY` and `SATURN_TOKEN` from.
   * @default globalThis.process?.env, or {} where there is none
   */
  env?: Env | undefined;
}

/** {@link AgentClientOptions} after fallbacks and checks. */
export interface ResolvedAgentClientOptions {
  baseUrl: string;
  apiPrefix: string;
  token: TokenSource | undefined;
  capabilities: Required<SaturnCapabilities>;
  retry: RetryOptions | false;
  maxResponseBytes: number;
  timeoutMs: number;
}

function resolveToken(
  options: AgentClientOptions,
  settings: ClientSettings,
): TokenSource | undefined {
  if (typeof options.token === 'function') return options.token;
  if (options.token !== undefined && typeof options.token !== 'string') {
    settings.problem(
      'token',
      `expected a string or a function, got ${describeKind(options.token)}`,
    );
    return undefined;
  }
  const picked = settings.pick(options.token, 'token', TOKEN_ENV_VARS);
  if (picked === undefined) return undefined;
  const token = picked.value as string;
  // Never echo the value: it is a credential.
  const problem = checkTokenShape(token);
  if (problem) settings.problem(picked.setting, problem);
  return token;
}

/**
 * Apply the environment fallbacks and check every setting, reporting all problems in one
 * {@link ConfigurationError}. Messages never contain the credential.
 */
export function resolveAgentClientOptions(
  input: AgentClientOptions | null | undefined,
): ResolvedAgentClientOptions {
  const options: AgentClientOptions = input ?? {};
  const settings = new ClientSettings(options);
  const baseUrl = settings.baseUrl(options.baseUrl, {
    envNames: BASE_URL_ENV_VARS,
    example: 'http://127.0.0.1:8000',
  });
  const token = resolveToken(options, settings);
  const apiPrefix = (options.apiPrefix ?? '').replace(/\/+$/, '');
  if (
    typeof apiPrefix !== 'string' ||
    (apiPrefix !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(apiPrefix))
  ) {
    settings.problem(
      'apiPrefix',
      `expected '' (SATURN's root mount) or a path such as '/api/v1', got ${JSON.stringify(options.apiPrefix)}`,
    );
  }
  settings.checkTransport(options);
  const capabilities = resolveCapabilities(options.capabilities, settings.problems);
  settings.throwIfInvalid();
  const retry: RetryOptions | false =
    options.retry === false ? false : { statuses: [...SATURN_RETRY_STATUSES], ...options.retry };
  return {
    baseUrl,
    apiPrefix,
    token,
    capabilities,
    retry,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
}
