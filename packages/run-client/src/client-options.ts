// docs/protocols/agent-sdk.md §1.1 (base path), §1.2 (credentials, org, project) and §6.
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import {
  type CredentialSource,
  type Env,
  firstEnv,
  type RetryOptions,
  readProcessEnv,
  type TransportOptions,
} from '@uplink/http';
import type { BasePath } from './routes.js';

/** agent-sdk's default address when nothing is configured (`uvicorn`'s default port). */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';
/** Environment variable read for the base URL. */
export const BASE_URL_ENV = 'AGENT_SDK_BASE_URL';
/** Environment variable read for the API key. */
export const API_KEY_ENV = 'AGENT_SDK_API_KEY';
/** Environment variable read for the org (`X-Org-Id`). */
export const ORG_ID_ENV = 'AGENT_SDK_ORG_ID';
/** Environment variable read for the project (`X-Project-Id`). */
export const PROJECT_ID_ENV = 'AGENT_SDK_PROJECT_ID';

/** Options of `new RunClient(options)`. */
export interface RunClientOptions extends TransportOptions {
  /**
   * The server's address (scheme, host, port; a path prefix is kept).
   * @default env AGENT_SDK_BASE_URL, else 'http://127.0.0.1:8000'
   */
  baseUrl?: string | undefined;
  /**
   * Route prefix: `'/v1'` or `''` for the bare routes (deprecated by the server, and with
   * `jwt` refused there by its key middleware).
   * @default '/v1'
   */
  basePath?: BasePath | undefined;
  /**
   * The API key, sent as `X-API-Key`; a function is called before every attempt (rotation).
   * Never logged. Give this or `jwt`.
   * @default env AGENT_SDK_API_KEY
   */
  apiKey?: CredentialSource | undefined;
  /**
   * A JWT for servers in JWT mode, sent as `Authorization: Bearer`; a function is called
   * before every attempt. Never logged. Needs `basePath: '/v1'`.
   * @default undefined
   */
  jwt?: CredentialSource | undefined;
  /**
   * The org, sent as `X-Org-Id` on every request. Read routes take the org from this header
   * only, so set it whenever your key's org is not `default`.
   * @default env AGENT_SDK_ORG_ID, else none (the server uses the key's org, then `default`)
   */
  orgId?: string | undefined;
  /**
   * The project, sent as `X-Project-Id`.
   * @default env AGENT_SDK_PROJECT_ID, else none
   */
  projectId?: string | undefined;
  /**
   * Environment to read the fallbacks from.
   * @default globalThis.process?.env, or {} where there is none
   */
  env?: Env | undefined;
  /**
   * Timeout of one attempt of a call, until its body is read (for streams: its headers).
   * `POST /run` waits for the whole run, so give it a per-call `timeoutMs` when runs are long.
   * @default 30000
   */
  timeoutMs?: number | undefined;
  /**
   * Retry policy of `@uplink/http`. Reads are retried; `POST /run` is retried only because
   * its `Idempotency-Key` makes that safe; nothing else that starts a run is.
   * @default @uplink/http's (2 retries on 408, 429, 500, 502, 503, 504)
   */
  retry?: RetryOptions | false | undefined;
  /**
   * A stream that receives nothing for this long is resumed. The server sends no keepalive
   * and is silent for the whole model call, so keep it above the runs' `timeout`.
   * @default the run's `timeout` (300 s unless set) + 30 s for `streamRun`; 330000 for `events`
   */
  streamIdleTimeoutMs?: number | undefined;
  /**
   * While a stream is silent, ask `GET /run/{id}` after this long, then at doubling intervals
   * (up to 30 s); a final status means the terminal event was lost, and the stream finishes
   * from the replay at once. `false` turns it off (then only the idle timeout recovers).
   * @default 2000
   */
  statusProbeMs?: number | false | undefined;
  /**
   * Resume attempts in a row without a new event before a stream fails `truncated`.
   * @default 5
   */
  maxResumeAttempts?: number | undefined;
  /**
   * Backoff ceiling before the second resume attempt in a row (full jitter, doubling, 5 s cap).
   * @default 250
   */
  resumeDelayMs?: number | undefined;
  /**
   * `limit` of each replay page.
   * @default 1000
   */
  replayPageSize?: number | undefined;
  /**
   * Replay pages read per pass before a stream fails `truncated`.
   * @default 100
   */
  maxReplayPages?: number | undefined;
  /**
   * An SSE event larger than this fails the stream (`oversized`).
   * @default 1048576
   */
  maxEventBytes?: number | undefined;
}

/** {@link RunClientOptions} after fallbacks and validation. */
export interface ResolvedRunClientOptions {
  baseUrl: string;
  basePath: BasePath;
  credential: { kind: 'apiKey' | 'jwt'; value: CredentialSource };
  orgId: string | undefined;
  projectId: string | undefined;
  streamIdleTimeoutMs: number | undefined;
  statusProbeMs: number | false;
  maxResumeAttempts: number;
  resumeDelayMs: number;
  replayPageSize: number;
  maxReplayPages: number;
  maxEventBytes: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Header-safe text: visible ASCII and spaces, no line breaks (the value is never shown). */
const HEADER_SAFE = /^[\x20-\x7e]+$/;

function credentialProblem(setting: string, value: unknown): ConfigurationProblem | undefined {
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    return { setting, message: 'expected a non-empty string or a function returning one' };
  }
  if (!HEADER_SAFE.test(value)) {
    return {
      setting,
      message: 'expected a credential of visible ASCII characters (it is sent as a header)',
    };
  }
  return undefined;
}

function positive(
  problems: ConfigurationProblem[],
  setting: string,
  value: unknown,
  whole = false,
  min = 1,
): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (!whole || Number.isInteger(value));
  if (!ok) {
    problems.push({
      setting,
      message: `expected ${whole ? 'a whole number' : 'a number'} >= ${min}, got ${typeof value === 'number' ? value : typeof value}`,
    });
  }
}

/**
 * Apply the environment fallbacks and validate every setting, reporting all problems in one
 * {@link ConfigurationError}. Messages never contain a credential.
 */
export function resolveRunClientOptions(
  input: RunClientOptions | undefined,
): ResolvedRunClientOptions {
  const options: RunClientOptions = input ?? {};
  const problems: ConfigurationProblem[] = [];
  const env = isRecord(options.env) ? (options.env as Env) : readProcessEnv();
  if (options.env !== undefined && !isRecord(options.env)) {
    problems.push({ setting: 'env', message: 'expected an object of strings' });
  }

  const rawUrl = options.baseUrl ?? firstEnv(env, [BASE_URL_ENV])?.value ?? DEFAULT_BASE_URL;
  const urlSetting =
    options.baseUrl === undefined && rawUrl !== DEFAULT_BASE_URL ? BASE_URL_ENV : 'baseUrl';
  let baseUrl = DEFAULT_BASE_URL;
  let parsed: URL | undefined;
  try {
    parsed = typeof rawUrl === 'string' ? new URL(rawUrl.trim()) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    problems.push({
      setting: urlSetting,
      message: `expected an absolute http(s) URL such as ${DEFAULT_BASE_URL}, got ${typeof rawUrl === 'string' ? `"${rawUrl.slice(0, 100)}"` : typeof rawUrl}`,
    });
  } else if (parsed.username || parsed.password) {
    problems.push({ setting: urlSetting, message: 'expected a URL without user or password' });
  } else {
    baseUrl = String(rawUrl).trim().replace(/\/+$/, '');
  }

  const basePath = options.basePath ?? '/v1';
  if (basePath !== '/v1' && basePath !== '') {
    problems.push({
      setting: 'basePath',
      message: `expected '/v1' or '', got ${String(basePath)}`,
    });
  }

  let credential: ResolvedRunClientOptions['credential'] | undefined;
  if (options.apiKey !== undefined && options.jwt !== undefined) {
    problems.push({ setting: 'apiKey', message: 'give apiKey or jwt, not both' });
  } else if (options.jwt !== undefined) {
    const problem = credentialProblem('jwt', options.jwt);
    if (problem) problems.push(problem);
    else credential = { kind: 'jwt', value: options.jwt };
    if (basePath === '') {
      problems.push({
        setting: 'basePath',
        message:
          "the bare /run and /sessions routes demand X-API-Key even in JWT mode; use basePath '/v1' with jwt",
      });
    }
  } else {
    const fromEnv = firstEnv(env, [API_KEY_ENV]);
    const value = options.apiKey ?? fromEnv?.value;
    const setting = options.apiKey === undefined ? API_KEY_ENV : 'apiKey';
    if (value === undefined) {
      problems.push({
        setting: 'apiKey',
        message: `missing credential: pass apiKey (or jwt) or set ${API_KEY_ENV}`,
      });
    } else {
      const problem = credentialProblem(setting, value);
      if (problem) problems.push(problem);
      else credential = { kind: 'apiKey', value };
    }
  }

  const header = (setting: string, explicit: unknown, name: string): string | undefined => {
    const value = explicit ?? firstEnv(env, [name])?.value;
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !HEADER_SAFE.test(value) || value.trim() !== value) {
      problems.push({
        setting: explicit === undefined ? name : setting,
        message:
          'expected visible ASCII characters without surrounding spaces (it is sent as a header)',
      });
      return undefined;
    }
    return value;
  };
  const orgId = header('orgId', options.orgId, ORG_ID_ENV);
  const projectId = header('projectId', options.projectId, PROJECT_ID_ENV);

  positive(problems, 'timeoutMs', options.timeoutMs);
  positive(problems, 'totalTimeoutMs', options.totalTimeoutMs);
  positive(problems, 'streamIdleTimeoutMs', options.streamIdleTimeoutMs);
  if (options.statusProbeMs !== false) positive(problems, 'statusProbeMs', options.statusProbeMs);
  positive(problems, 'maxResumeAttempts', options.maxResumeAttempts, true, 0);
  positive(problems, 'resumeDelayMs', options.resumeDelayMs, false, 0);
  positive(problems, 'replayPageSize', options.replayPageSize, true);
  positive(problems, 'maxReplayPages', options.maxReplayPages, true);
  positive(problems, 'maxEventBytes', options.maxEventBytes, true);

  if (problems.length > 0 || !credential) throw new ConfigurationError(problems);
  return {
    baseUrl,
    basePath,
    credential,
    orgId,
    projectId,
    streamIdleTimeoutMs: options.streamIdleTimeoutMs,
    statusProbeMs: options.statusProbeMs ?? 2000,
    maxResumeAttempts: options.maxResumeAttempts ?? 5,
    resumeDelayMs: options.resumeDelayMs ?? 250,
    replayPageSize: options.replayPageSize ?? 1000,
    maxReplayPages: options.maxReplayPages ?? 100,
    maxEventBytes: options.maxEventBytes ?? 1024 * 1024,
  };
}
