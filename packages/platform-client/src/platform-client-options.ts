// docs/protocols/luml.md §1, §2 and §16 (base URL, satellite tokens, settings)
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import {
  type Env,
  firstEnv,
  type RetryOptions,
  readProcessEnv,
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

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

/**
 * Type checks for callers without TypeScript: each wrong shape is a problem in the one
 * {@link ConfigurationError}, never a TypeError later. Values are described by kind only
 * (a misplaced token must not be echoed).
 */
function checkShapes(options: PlatformClientOptions, problems: ConfigurationProblem[]): void {
  const expect = (setting: string, ok: boolean, expected: string, value: unknown): void => {
    if (!ok) problems.push({ setting, message: `expected ${expected}, got ${kindOf(value)}` });
  };
  const { token, baseUrl, platformUrl, env, cache, logger, headers } = options as Record<
    string,
    unknown
  >;
  if (token !== undefined) expect('token', typeof token === 'string', 'a string', token);
  if (baseUrl !== undefined)
    expect('baseUrl', typeof baseUrl === 'string', 'a URL string', baseUrl);
  if (platformUrl !== undefined)
    expect('platformUrl', typeof platformUrl === 'string', 'a URL string', platformUrl);
  if (env !== undefined) expect('env', isObject(env), 'an object of strings', env);
  if (cache !== undefined)
    expect('cache', isObject(cache), '{ inferenceAccessTtlMs?, secretTtlMs? }', cache);
  if (logger !== undefined)
    expect(
      'logger',
      isObject(logger) &&
        ['debug', 'info', 'warn', 'error'].every((level) => typeof logger[level] === 'function'),
      'a Logger with debug, info, warn and error functions',
      logger,
    );
  if (headers !== undefined)
    expect(
      'headers',
      isObject(headers) && Object.values(headers).every((value) => typeof value === 'string'),
      'an object of header strings',
      headers,
    );
}

function ttl(value: unknown, setting: string, problems: ConfigurationProblem[]): number {
  if (value === undefined) return 60_000;
  if (value === false) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    problems.push({
      setting,
      message: `expected a number of milliseconds >= 0 or false, got ${typeof value === 'number' ? value : kindOf(value)}`,
    });
    return 0;
  }
  return value;
}

/**
 * The platform URL and where it came from (the option or the environment variable, so a bad
 * value is reported under the name the user set): `baseUrl`, the deprecated `platformUrl`,
 * then {@link BASE_URL_ENV_VARS} in order.
 */
function pickBaseUrl(
  options: PlatformClientOptions,
  env: Env,
  problems: ConfigurationProblem[],
): { value: string; setting: string } | undefined {
  const { baseUrl, platformUrl } = options;
  if (typeof baseUrl === 'string') {
    if (typeof platformUrl === 'string' && platformUrl.trim() !== baseUrl.trim()) {
      problems.push({
        setting: 'platformUrl',
        message: 'is the deprecated name of baseUrl, and the two differ; pass only baseUrl',
      });
    }
    return { value: baseUrl, setting: 'baseUrl' };
  }
  if (typeof platformUrl === 'string') return { value: platformUrl, setting: 'platformUrl' };
  if (baseUrl !== undefined || platformUrl !== undefined) return undefined; // wrong type, reported
  const fromEnv = firstEnv(env, BASE_URL_ENV_VARS);
  return fromEnv && { value: fromEnv.value, setting: fromEnv.name };
}

/**
 * Apply environment fallbacks and validate every setting, reporting all problems in one
 * {@link ConfigurationError}. Messages never contain the token.
 */
export function resolvePlatformSettings(
  input: PlatformClientOptions | null | undefined,
): ResolvedPlatformSettings {
  const options: PlatformClientOptions = input ?? {};
  const problems: ConfigurationProblem[] = [];
  checkShapes(options, problems);
  const env = isObject(options.env) ? options.env : readProcessEnv();

  const explicitToken = typeof options.token === 'string' ? options.token : undefined;
  const token = (explicitToken ?? firstEnv(env, TOKEN_ENV_VARS)?.value ?? '').trim();
  if (options.token !== undefined && typeof options.token !== 'string') {
    // Reported by checkShapes; do not also call it missing.
  } else if (!token) {
    problems.push({
      setting: 'token',
      message: `missing satellite token: pass \`token\` or set ${TOKEN_ENV_VARS.join(' or ')}`,
    });
  } else if (/\s/u.test(token)) {
    problems.push({ setting: 'token', message: 'the token contains whitespace' });
  }

  const url = pickBaseUrl(options, env, problems);
  let baseUrl = DEFAULT_BASE_URL;
  if (url !== undefined) {
    const text = url.value.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      problems.push({
        setting: url.setting,
        message: `expected an absolute http(s) URL such as ${DEFAULT_BASE_URL}, got "${text.slice(0, 100)}"`,
      });
    } else {
      baseUrl = text.replace(/\/+$/u, '');
    }
  }

  for (const [setting, value] of [
    ['timeoutMs', options.timeoutMs],
    ['totalTimeoutMs', options.totalTimeoutMs],
  ] as const) {
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    ) {
      problems.push({
        setting,
        message: `expected a positive number of milliseconds, got ${typeof value === 'number' ? value : kindOf(value)}`,
      });
    }
  }
  const cache = isObject(options.cache) ? options.cache : {};
  const inferenceAccessTtlMs = ttl(
    cache.inferenceAccessTtlMs,
    'cache.inferenceAccessTtlMs',
    problems,
  );
  const secretTtlMs = ttl(cache.secretTtlMs, 'cache.secretTtlMs', problems);

  if (problems.length > 0) throw new ConfigurationError(problems);

  let tokenWarning: string | undefined;
  if (!token.startsWith(SATELLITE_TOKEN_PREFIX)) {
    const kind = token.startsWith('dfs_') ? 'a user API key (dfs_)' : 'not a satellite key';
    tokenWarning = `The satellite token is ${kind}: it does not start with "${SATELLITE_TOKEN_PREFIX}", so /satellites/v1 will likely answer 401 or 403`;
  }
  return { token, baseUrl, tokenWarning, inferenceAccessTtlMs, secretTtlMs };
}
