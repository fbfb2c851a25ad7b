// docs/protocols/agent-sdk.md §1.1 (base path), §1.2 (credentials, org, project) and §6.
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import {
  ClientSettings,
  type CredentialSource,
  type Env,
  type RetryOptions,
  type TransportOptions,
} from '@uplink/http';
import type { BasePath } from './routes.js';

/** agent-sdk's default address when nothing is configured (`uvicorn`'s default port). */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';
/** Environment variables read for the base URL, first non-empty wins. */
export const BASE_URL_ENV_VARS = ['AGENT_SDK_BASE_URL'] as const;
/** Environment variables read for the API key, first non-empty wins. */
export const API_KEY_ENV_VARS = ['AGENT_SDK_API_KEY'] as const;
/** Environment variables read for the org (`X-Org-Id`), first non-empty wins. */
export const ORG_ID_ENV_VARS = ['AGENT_SDK_ORG_ID'] as const;
/** Environment variables read for the project (`X-Project-Id`), first non-empty wins. */
export const PROJECT_ID_ENV_VARS = ['AGENT_SDK_PROJECT_ID'] as const;
/** @deprecated Use {@link BASE_URL_ENV_VARS} (the same variable, in a list like every client's). */
export const BASE_URL_ENV = BASE_URL_ENV_VARS[0];
/** @deprecated Use {@link API_KEY_ENV_VARS}. */
export const API_KEY_ENV = API_KEY_ENV_VARS[0];
/** @deprecated Use {@link ORG_ID_ENV_VARS}. */
export const ORG_ID_ENV = ORG_ID_ENV_VARS[0];
/** @deprecated Use {@link PROJECT_ID_ENV_VARS}. */
export const PROJECT_ID_ENV = PROJECT_ID_ENV_VARS[0];

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

/** A number `>= min`, or `undefined`. */
function atLeast(settings: ClientSettings, setting: string, value: unknown, min: number): void {
  if (
    value !== undefined &&
    !(typeof value === 'number' && Number.isFinite(value) && value >= min)
  ) {
    settings.problem(
      setting,
      `expected a number >= ${min}, got ${typeof value === 'number' ? value : typeof value}`,
    );
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
  const settings = new ClientSettings(options);
  const baseUrl =
    settings.baseUrl(options.baseUrl, {
      envNames: BASE_URL_ENV_VARS,
      fallback: DEFAULT_BASE_URL,
    }) || DEFAULT_BASE_URL;

  const basePath = options.basePath ?? '/v1';
  if (basePath !== '/v1' && basePath !== '') {
    settings.problem('basePath', `expected '/v1' or '', got ${String(basePath)}`);
  }

  let credential: ResolvedRunClientOptions['credential'] | undefined;
  if (options.apiKey !== undefined && options.jwt !== undefined) {
    settings.problem('apiKey', 'give apiKey or jwt, not both');
  } else if (options.jwt !== undefined) {
    const problem = credentialProblem('jwt', options.jwt);
    if (problem) settings.problems.push(problem);
    else credential = { kind: 'jwt', value: options.jwt };
    if (basePath === '') {
      settings.problem(
        'basePath',
        "the bare /run and /sessions routes demand X-API-Key even in JWT mode; use basePath '/v1' with jwt",
      );
    }
  } else {
    const picked = settings.pick(options.apiKey, 'apiKey', API_KEY_ENV_VARS);
    if (picked === undefined) {
      settings.problem(
        'apiKey',
        `missing credential: pass apiKey (or jwt) or set ${API_KEY_ENV_VARS.join(' or ')}`,
      );
    } else {
      const problem = credentialProblem(picked.setting, picked.value);
      if (problem) settings.problems.push(problem);
      else credential = { kind: 'apiKey', value: picked.value as CredentialSource };
    }
  }

  const header = (option: string, explicit: unknown, names: readonly string[]) => {
    const picked = settings.pick(explicit, option, names);
    if (picked === undefined) return undefined;
    const { value, setting } = picked;
    if (typeof value !== 'string' || !HEADER_SAFE.test(value) || value.trim() !== value) {
      settings.problem(
        setting,
        'expected visible ASCII characters without surrounding spaces (it is sent as a header)',
      );
      return undefined;
    }
    return value;
  };
  const orgId = header('orgId', options.orgId, ORG_ID_ENV_VARS);
  const projectId = header('projectId', options.projectId, PROJECT_ID_ENV_VARS);

  settings.checkTransport(options);
  settings.duration('streamIdleTimeoutMs', options.streamIdleTimeoutMs);
  if (options.statusProbeMs !== false) settings.duration('statusProbeMs', options.statusProbeMs);
  settings.count('maxResumeAttempts', options.maxResumeAttempts, 0);
  atLeast(settings, 'resumeDelayMs', options.resumeDelayMs, 0);
  settings.count('replayPageSize', options.replayPageSize, 1);
  settings.count('maxReplayPages', options.maxReplayPages, 1);
  settings.count('maxEventBytes', options.maxEventBytes, 1);

  settings.throwIfInvalid();
  if (!credential) throw new ConfigurationError(settings.problems);
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
