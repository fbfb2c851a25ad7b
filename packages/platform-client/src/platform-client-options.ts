// docs/protocols/luml.md §1, §2 and §16 (base URL, satellite tokens, settings)
import type { ConfigurationProblem } from '@uplink/core-schemas';
import {
  ClientSettings,
  describeKind,
  type Env,
  type RetryOptions,
  type TransportOptions,
} from '@uplink/http';

/** The public LUML API, the default `baseUrl`. */
export const DEFAULT_BASE_URL = 'https://api.luml.ai';
/** @deprecated Use {@link DEFAULT_BASE_URL} (same value). */
export const DEFAULT_PLATFORM_URL = DEFAULT_BASE_URL;
/** Prefix of satellite keys; other credentials get 403 on `/satellites/v1`. */
export const SATELLITE_TOKEN_PREFIX = 'dfssat_';
/** Environment variables read for the token, first non-empty wins. */
export const TOKEN_ENV_VARS = ['LUML_SATELLITE_TOKEN', 'SATELLITE_TOKEN'] as const;
/**
 * Environment variables read for the platform API root, first non-empty wins: the convention's
 * `LUML_BASE_URL` (also upstream's Python client's name), then `LUML_PLATFORM_URL` and the
 * reference satellite's `PLATFORM_URL`.
 */
export const BASE_URL_ENV_VARS = ['LUML_BASE_URL', 'LUML_PLATFORM_URL', 'PLATFORM_URL'] as const;
/** @deprecated Use {@link BASE_URL_ENV_VARS} (same names). */
export const PLATFORM_URL_ENV_VARS = BASE_URL_ENV_VARS;

/** Cache settings of {@link PlatformClientOptions}. */
export interface PlatformClientCacheOptions {
  /**
   * How long an inference-access answer is reused per API key, as the reference satellite
   * does (a revoked key may keep working this long). `false` or `0` turns the cache off.
   * @default 60000
   */
  inferenceAccessTtlMs?: number | false | undefined;
  /**
   * How long a secret fetched by id is reused. `false` or `0` turns the cache off.
   * @default 60000
   */
  secretTtlMs?: number | false | undefined;
}

/** Options of `new PlatformClient(options)`. Every one is optional when the environment provides the token. */
export interface PlatformClientOptions extends TransportOptions {
  /**
   * The satellite key (`dfssat_…`). Never logged and scrubbed from every error.
   * @default env LUML_SATELLITE_TOKEN, then SATELLITE_TOKEN
   */
  token?: string | undefined;
  /**
   * The platform API root; routes go under `{baseUrl}/satellites/v1`.
   * @default env LUML_BASE_URL, then LUML_PLATFORM_URL, then PLATFORM_URL, then 'https://api.luml.ai'
   */
  baseUrl?: string | undefined;
  /** @deprecated Use `baseUrl` (same meaning); passing both with different values is a `ConfigurationError`. */
  platformUrl?: string | undefined;
  /**
   * Timeout of one HTTP attempt, in milliseconds (the reference agent uses 30 s).
   * @default 30000
   */
  timeoutMs?: number | undefined;
  /**
   * Retry policy for calls that are safe to repeat (see the README's list); `false` disables.
   * @default @uplink/http's policy (2 retries on 408/429/5xx, full-jitter backoff)
   */
  retry?: RetryOptions | false | undefined;
  /**
   * Environment to read fallbacks from.
   * @default globalThis.process?.env, or {} where there is none
   */
  env?: Env | undefined;
  /** Cache settings. */
  cache?: PlatformClientCacheOptions | undefined;
}

/** Options after fallbacks and validation. */
export interface ResolvedPlatformSettings {
  token: string;
  baseUrl: string;
  /** A human-readable warning about the token, if any (never containing the token). */
  tokenWarning: string | undefined;
  inferenceAccessTtlMs: number;
  secretTtlMs: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Type checks for callers without TypeScript: each wrong shape is a problem in the one
 * {@link ConfigurationError}, never a TypeError later. Values are described by kind only
 * (a misplaced token must not be echoed). URLs are checked with the base URL; the
 * transport settings by `ClientSettings.checkTransport`.
 */
function checkShapes(options: PlatformClientOptions, settings: ClientSettings): void {
  const { token, cache } = options as Record<string, unknown>;
  if (token !== undefined && typeof token !== 'string') {
    settings.problem('token', `expected a string, got ${describeKind(token)}`);
  }
  if (cache !== undefined && !isObject(cache)) {
    settings.problem(
      'cache',
      `expected { inferenceAccessTtlMs?, secretTtlMs? }, got ${describeKind(cache)}`,
    );
  }
}

function ttl(value: unknown, setting: string, problems: ConfigurationProblem[]): number {
  if (value === undefined) return 60_000;
  if (value === false) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    problems.push({
      setting,
      message: `expected a number of milliseconds >= 0 or false, got ${typeof value === 'number' ? value : describeKind(value)}`,
    });
    return 0;
  }
  return value;
}

/**
 * The platform URL: `baseUrl`, the deprecated `platformUrl` (an error when both are given and
 * differ), then {@link BASE_URL_ENV_VARS} in order, then {@link DEFAULT_BASE_URL}; a bad value
 * is reported under the name the user set.
 */
function resolveBaseUrl(options: PlatformClientOptions, settings: ClientSettings): string {
  const { baseUrl, platformUrl } = options;
  if (
    typeof baseUrl === 'string' &&
    typeof platformUrl === 'string' &&
    platformUrl.trim() !== baseUrl.trim()
  ) {
    settings.problem(
      'platformUrl',
      'is the deprecated name of baseUrl, and the two differ; pass only baseUrl',
    );
  }
  const useAlias = baseUrl === undefined && platformUrl !== undefined;
  if (baseUrl !== undefined && platformUrl !== undefined && typeof platformUrl !== 'string') {
    settings.problem('platformUrl', `expected a URL string, got ${describeKind(platformUrl)}`);
  }
  const url = settings.baseUrl(useAlias ? platformUrl : baseUrl, {
    envNames: BASE_URL_ENV_VARS,
    fallback: DEFAULT_BASE_URL,
    option: useAlias ? 'platformUrl' : 'baseUrl',
  });
  return url || DEFAULT_BASE_URL;
}

/**
 * Apply environment fallbacks and validate every setting, reporting all problems in one
 * {@link ConfigurationError}. Messages never contain the token.
 */
export function resolvePlatformSettings(
  input: PlatformClientOptions | null | undefined,
): ResolvedPlatformSettings {
  const options: PlatformClientOptions = input ?? {};
  const settings = new ClientSettings(options);
  checkShapes(options, settings);

  const explicitToken = typeof options.token === 'string' ? options.token : undefined;
  const token = (
    explicitToken ??
    (settings.pick(undefined, 'token', TOKEN_ENV_VARS)?.value as string | undefined) ??
    ''
  ).trim();
  if (options.token !== undefined && typeof options.token !== 'string') {
    // Reported by checkShapes; do not also call it missing.
  } else if (!token) {
    settings.problem(
      'token',
      `missing satellite token: pass \`token\` or set ${TOKEN_ENV_VARS.join(' or ')}`,
    );
  } else if (/\s/u.test(token)) {
    settings.problem('token', 'the token contains whitespace');
  }

  const baseUrl = resolveBaseUrl(options, settings);
  settings.checkTransport(options);
  const cache = isObject(options.cache) ? options.cache : {};
  const inferenceAccessTtlMs = ttl(
    cache.inferenceAccessTtlMs,
    'cache.inferenceAccessTtlMs',
    settings.problems,
  );
  const secretTtlMs = ttl(cache.secretTtlMs, 'cache.secretTtlMs', settings.problems);
  settings.throwIfInvalid();

  let tokenWarning: string | undefined;
  if (!token.startsWith(SATELLITE_TOKEN_PREFIX)) {
    const kind = token.startsWith('dfs_') ? 'a user API key (dfs_)' : 'not a satellite key';
    tokenWarning = `The satellite token is ${kind}: it does not start with "${SATELLITE_TOKEN_PREFIX}", so /satellites/v1 will likely answer 401 or 403`;
  }
  return { token, baseUrl, tokenWarning, inferenceAccessTtlMs, secretTtlMs };
}
