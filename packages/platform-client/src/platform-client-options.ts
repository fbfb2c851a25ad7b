// luml-satellite-protocol §1, §2 and §16 (base URL, satellite tokens, settings)
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import type { RetryOptions, TransportOptions } from '@uplink/http';
import { type Env, firstEnv, readProcessEnv } from './read-env.js';

/** The public LUML API. */
export const DEFAULT_PLATFORM_URL = 'https://api.luml.ai';
/** Prefix of satellite keys; other credentials get 403 on `/satellites/v1`. */
export const SATELLITE_TOKEN_PREFIX = 'dfssat_';
/** Environment variables read for the token, first non-empty wins. */
export const TOKEN_ENV_VARS = ['LUML_SATELLITE_TOKEN', 'SATELLITE_TOKEN'] as const;
/** Environment variables read for the platform URL, first non-empty wins. */
export const PLATFORM_URL_ENV_VARS = ['LUML_PLATFORM_URL', 'PLATFORM_URL'] as const;

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
   * The platform API root; routes go under `{platformUrl}/satellites/v1`.
   * @default env LUML_PLATFORM_URL, then PLATFORM_URL, then 'https://api.luml.ai'
   */
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
  platformUrl: string;
  /** A human-readable warning about the token, if any (never containing the token). */
  tokenWarning: string | undefined;
  inferenceAccessTtlMs: number;
  secretTtlMs: number;
}

function ttl(
  value: number | false | undefined,
  setting: string,
  problems: ConfigurationProblem[],
): number {
  if (value === undefined) return 60_000;
  if (value === false) return 0;
  if (!Number.isFinite(value) || value < 0) {
    problems.push({
      setting,
      message: `expected a number of milliseconds >= 0 or false, got ${value}`,
    });
    return 0;
  }
  return value;
}

/**
 * Apply environment fallbacks and validate every setting, reporting all problems in one
 * {@link ConfigurationError}. Messages never contain the token.
 */
export function resolvePlatformSettings(options: PlatformClientOptions): ResolvedPlatformSettings {
  const env = options.env ?? readProcessEnv();
  const problems: ConfigurationProblem[] = [];

  const token = (options.token ?? firstEnv(env, TOKEN_ENV_VARS)?.value ?? '').trim();
  if (!token) {
    problems.push({
      setting: 'token',
      message: `missing satellite token: pass \`token\` or set ${TOKEN_ENV_VARS.join(' or ')}`,
    });
  } else if (/\s/u.test(token)) {
    problems.push({ setting: 'token', message: 'the token contains whitespace' });
  }

  const rawUrl = options.platformUrl ?? firstEnv(env, PLATFORM_URL_ENV_VARS)?.value;
  let platformUrl = DEFAULT_PLATFORM_URL;
  if (rawUrl !== undefined) {
    const text = rawUrl.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      problems.push({
        setting: 'platformUrl',
        message: `expected an absolute http(s) URL such as ${DEFAULT_PLATFORM_URL}, got "${text}"`,
      });
    } else {
      platformUrl = text.replace(/\/+$/u, '');
    }
  }

  for (const [setting, value] of [
    ['timeoutMs', options.timeoutMs],
    ['totalTimeoutMs', options.totalTimeoutMs],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      problems.push({
        setting,
        message: `expected a positive number of milliseconds, got ${value}`,
      });
    }
  }
  const inferenceAccessTtlMs = ttl(
    options.cache?.inferenceAccessTtlMs,
    'cache.inferenceAccessTtlMs',
    problems,
  );
  const secretTtlMs = ttl(options.cache?.secretTtlMs, 'cache.secretTtlMs', problems);

  if (problems.length > 0) throw new ConfigurationError(problems);

  let tokenWarning: string | undefined;
  if (!token.startsWith(SATELLITE_TOKEN_PREFIX)) {
    const kind = token.startsWith('dfs_') ? 'a user API key (dfs_)' : 'not a satellite key';
    tokenWarning = `The satellite token is ${kind}: it does not start with "${SATELLITE_TOKEN_PREFIX}", so /satellites/v1 will likely answer 401 or 403`;
  }
  return { token, platformUrl, tokenWarning, inferenceAccessTtlMs, secretTtlMs };
}
