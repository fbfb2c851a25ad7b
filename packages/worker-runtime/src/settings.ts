// docs/protocols/luml.md §16 (settings and env vars) and §19 (planned names vs real names)
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import { type Env, firstEnv, readProcessEnv } from '@uplink/http';
import { BASE_URL_ENV_VARS, TOKEN_ENV_VARS } from '@uplink/platform-client';
import * as v from 'valibot';
import { isTaskTimeoutMs, taskTimeoutRange } from './task-timeout.js';

/** Validated worker settings. Durations are in milliseconds. */
export interface WorkerSettings {
  /** The satellite key (`dfssat_…`). Never logged. */
  token: string;
  /**
   * The platform API root (the `baseUrl` of the `PlatformClient` the worker opens), from
   * `LUML_BASE_URL`, then `LUML_PLATFORM_URL`, then `PLATFORM_URL`.
   * @default 'https://api.luml.ai'
   */
  platformUrl: string;
  /**
   * This satellite's public URL, sent at pairing, from `LUML_PUBLIC_URL`, then the reference
   * satellite's `BASE_URL`.
   * @default 'http://localhost'
   */
  publicUrl: string;
  /**
   * @deprecated The old name of {@link WorkerSettings.publicUrl} (same value). As an override it
   * still sets the public URL; passing both with different values is a `ConfigurationError`.
   */
  baseUrl: string;
  /**
   * Idle wait between polls.
   * @default 2000
   */
  pollIntervalMs: number;
  /**
   * Cap of the exponential backoff after poll errors.
   * @default 60000
   */
  pollBackoffMaxMs: number;
  /**
   * Health server port; `0` picks a free port.
   * @default 8000
   */
  healthPort: number;
  /**
   * Health server bind address. Loopback unless told otherwise; containers whose probes come
   * from outside set `LUML_HEALTH_HOST=0.0.0.0` (see docs/getting-started.md).
   * @default '127.0.0.1'
   */
  healthHost: string;
  /**
   * Whether to start the health server at all.
   * @default true
   */
  healthEnabled: boolean;
  /**
   * Model container port (reference agent `MODEL_SERVER_PORT`), for handlers that need it.
   * @default 8080
   */
  modelServerPort: number;
  /**
   * Satellite slug sent at pairing.
   * @default null
   */
  slug: string | null;
  /**
   * Tasks run at once.
   * @default 1
   */
  concurrency: number;
  /**
   * Directory for the durable outbox (and the `worker.lock` that keeps a second worker out);
   * `null` keeps the outbox in memory.
   * @default null
   */
  stateDir: string | null;
  /**
   * Flush every outbox `add` to the disk (`fdatasync`), so updates survive a power loss or
   * kernel crash, not only a crash of the process; costs about a millisecond per status update.
   * @default false
   */
  outboxFsync: boolean;
  /**
   * Wait for in-flight tasks on shutdown before aborting them.
   * @default 30000
   */
  shutdownGraceMs: number;
  /**
   * Default per-task timeout, 1 ms to 2^31-1 ms; `null` means none (a handler's `timeoutMs`
   * wins). `0` is refused, as it is for a handler: unset the variable for no timeout.
   * @default null
   */
  taskTimeoutMs: number | null;
  /**
   * `/readyz` fails when the last contact with the platform (a successful poll, or a status
   * update it accepted) is older than this, unless the worker is busy with tasks it already
   * took and has nothing left to deliver (it holds its polls then).
   * @default max(3 × pollIntervalMs, 30000)
   */
  readyMaxAgeMs: number;
  /**
   * After a task's signal is aborted on shutdown (grace period over, or a second Ctrl-C), how
   * long the worker waits for the handler to return (to kill its child processes, say) before
   * the stop completes and the process may exit.
   * @default 5000
   */
  abortGraceMs: number;
  /**
   * Give up pairing when the platform stays unreachable (connection errors, timeouts, 5xx) this
   * long; the start then fails with a `WorkerFatalError` (`code: 'platform_unreachable'`).
   * `null` retries until `stop()`.
   * @default null
   */
  pairTimeoutMs: number | null;
}

interface SettingSpec {
  /** Settings key. */
  key: keyof WorkerSettings;
  /** Environment names, first wins. */
  names: string[];
  /**
   * Parser from the raw string (as `firstEnv` gives it: trimmed, never empty); returns the value
   * or an error message (never the value).
   */
  parse: (raw: string) => { value: unknown } | { error: string };
  secret?: boolean;
}

/** Node's longest timer. */
const MAX_TIMER_MS = 2_147_483_647;

const SecondsSchema = v.pipe(v.string(), v.trim(), v.decimal(), v.transform(Number));
const PortSchema = v.pipe(v.string(), v.trim(), v.digits(), v.transform(Number), v.maxValue(65535));
const UrlSchema = v.pipe(v.string(), v.trim(), v.url(), v.regex(/^https?:\/\//i));

function withSchema<T>(schema: v.GenericSchema<string, T>, expected: string): SettingSpec['parse'] {
  return (raw) => {
    const result = v.safeParse(schema, raw);
    return result.success ? { value: result.output } : { error: `expected ${expected}` };
  };
}

const seconds = (expected: string, { min = 0 }: { min?: number } = {}): SettingSpec['parse'] => {
  const parseSeconds = withSchema(SecondsSchema, expected);
  return (raw) => {
    const parsed = parseSeconds(raw);
    if ('error' in parsed) return parsed;
    const value = parsed.value as number;
    if (value < min) return { error: `expected ${expected}` };
    return { value: Math.round(value * 1000) };
  };
};

const positiveInt = (expected: string): SettingSpec['parse'] => {
  const parse = withSchema(v.pipe(v.string(), v.trim(), v.digits(), v.transform(Number)), expected);
  return (raw) => {
    const parsed = parse(raw);
    if ('error' in parsed || (parsed.value as number) < 1) return { error: `expected ${expected}` };
    return parsed;
  };
};

const bool: SettingSpec['parse'] = (raw) => {
  const text = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return { value: true };
  if (['0', 'false', 'no', 'off'].includes(text)) return { value: false };
  return { error: 'expected a boolean (true/false, 1/0, yes/no, on/off)' };
};

const text: SettingSpec['parse'] = (raw) => ({ value: raw });

const SPECS: SettingSpec[] = [
  {
    key: 'token',
    names: [...TOKEN_ENV_VARS],
    parse: (raw) =>
      /\s/.test(raw)
        ? { error: 'expected a satellite key (dfssat_…) without spaces' }
        : { value: raw },
    secret: true,
  },
  {
    key: 'platformUrl',
    names: [...BASE_URL_ENV_VARS],
    parse: withSchema(UrlSchema, 'an http(s) URL such as https://api.luml.ai'),
  },
  {
    key: 'publicUrl',
    names: ['LUML_PUBLIC_URL', 'BASE_URL'],
    parse: withSchema(UrlSchema, "an http(s) URL (this satellite's public URL)"),
  },
  {
    key: 'pollIntervalMs',
    names: ['LUML_POLL_INTERVAL', 'POLL_INTERVAL_SEC'],
    parse: seconds('a number of seconds ≥ 0, such as 2 or 0.5'),
  },
  {
    key: 'pollBackoffMaxMs',
    names: ['LUML_POLL_BACKOFF_MAX'],
    parse: seconds('a number of seconds ≥ 0'),
  },
  {
    key: 'healthPort',
    names: ['LUML_HEALTH_PORT'],
    parse: withSchema(PortSchema, 'a port number 0-65535'),
  },
  { key: 'healthHost', names: ['LUML_HEALTH_HOST'], parse: text },
  { key: 'healthEnabled', names: ['LUML_HEALTH_ENABLED'], parse: bool },
  {
    key: 'modelServerPort',
    names: ['LUML_MODEL_SERVER_PORT', 'MODEL_SERVER_PORT'],
    parse: withSchema(PortSchema, 'a port number 0-65535'),
  },
  { key: 'slug', names: ['LUML_SATELLITE_SLUG', 'SATELLITE_SLUG'], parse: text },
  {
    key: 'concurrency',
    names: ['LUML_CONCURRENCY'],
    parse: positiveInt('a whole number ≥ 1'),
  },
  { key: 'stateDir', names: ['LUML_STATE_DIR'], parse: text },
  { key: 'outboxFsync', names: ['LUML_OUTBOX_FSYNC'], parse: bool },
  {
    key: 'shutdownGraceMs',
    names: ['LUML_SHUTDOWN_GRACE', 'LUML_SHUTDOWN_GRACE_SEC'],
    parse: seconds('a number of seconds ≥ 0'),
  },
  {
    key: 'taskTimeoutMs',
    names: ['LUML_TASK_TIMEOUT', 'LUML_TASK_TIMEOUT_SEC'],
    parse: (raw) => {
      const expected = `${taskTimeoutRange('seconds')}; unset it for no timeout`;
      const parsed = seconds(expected)(raw);
      if ('error' in parsed || isTaskTimeoutMs(parsed.value)) return parsed;
      return { error: `expected ${expected}` };
    },
  },
  {
    key: 'readyMaxAgeMs',
    names: ['LUML_READY_MAX_AGE'],
    parse: seconds('a number of seconds > 0', { min: 0.001 }),
  },
  {
    key: 'abortGraceMs',
    names: ['LUML_ABORT_GRACE'],
    parse: seconds('a number of seconds ≥ 0'),
  },
  {
    key: 'pairTimeoutMs',
    names: ['LUML_PAIR_TIMEOUT'],
    parse: (raw) => {
      const expected =
        'a number of seconds from 0.001 to 2147483.647; unset it to retry until stopped';
      const parsed = seconds(expected, { min: 0.001 })(raw);
      if ('error' in parsed || (parsed.value as number) <= MAX_TIMER_MS) return parsed;
      return { error: `expected ${expected}` };
    },
  },
];

/** Typed settings that win over the environment; `undefined` entries are ignored. */
export type SettingsOverrides = { [K in keyof WorkerSettings]?: WorkerSettings[K] | undefined };

/**
 * Every environment variable {@link loadSettings} reads, its `LUML_*` name first, then its
 * aliases (`baseUrl`, the deprecated name of `publicUrl`, lists the same names).
 */
export const SETTING_ENV_NAMES: Readonly<Record<keyof WorkerSettings, readonly string[]>> =
  Object.fromEntries([
    ...SPECS.map((s) => [s.key, s.names]),
    ['baseUrl', ['LUML_PUBLIC_URL', 'BASE_URL']],
  ]) as Record<keyof WorkerSettings, string[]>;

/** Defaults, following the reference agent where it has the setting. */
export const DEFAULT_SETTINGS: Readonly<
  Omit<WorkerSettings, 'token' | 'readyMaxAgeMs' | 'baseUrl'>
> = {
  platformUrl: 'https://api.luml.ai',
  publicUrl: 'http://localhost',
  pollIntervalMs: 2000,
  pollBackoffMaxMs: 60_000,
  healthPort: 8000,
  healthHost: '127.0.0.1',
  healthEnabled: true,
  modelServerPort: 8080,
  slug: null,
  concurrency: 1,
  stateDir: null,
  outboxFsync: false,
  shutdownGraceMs: 30_000,
  taskTimeoutMs: null,
  abortGraceMs: 5000,
  pairTimeoutMs: null,
};

/**
 * Read and validate worker settings from environment variables. The `LUML_*` names are
 * read first; the reference satellite's names (`SATELLITE_TOKEN`, `PLATFORM_URL`,
 * `POLL_INTERVAL_SEC`, `BASE_URL`, `MODEL_SERVER_PORT`) are accepted as aliases.
 * `overrides` (already typed) win over the environment.
 *
 * @throws ConfigurationError listing every problem at once, each once; no message contains a
 *   secret value.
 */
export function loadSettings(
  env: Env = readProcessEnv(),
  overrides: SettingsOverrides = {},
): WorkerSettings {
  const problems: ConfigurationProblem[] = [];
  const values: Partial<Record<keyof WorkerSettings, unknown>> = {};
  const found = new Set<keyof WorkerSettings>();
  for (const spec of SPECS) {
    const set = firstEnv(env, spec.names);
    if (set === undefined) continue;
    found.add(spec.key);
    const parsed = spec.parse(set.value);
    if ('error' in parsed) {
      const shown = spec.secret ? '' : ` (got "${truncate(set.value)}")`;
      problems.push({ setting: set.name, message: `${parsed.error}${shown}` });
    } else {
      values[spec.key] = parsed.value;
    }
  }
  problems.push(...checkMovedBaseUrl(env));
  const given = stripUndefined(overrides);
  const { baseUrl: oldPublicUrl, ...typed } = given;
  if (oldPublicUrl !== undefined) {
    if (typed.publicUrl !== undefined && typed.publicUrl !== oldPublicUrl) {
      problems.push({
        setting: 'baseUrl',
        message: 'is the deprecated name of publicUrl, and the two differ; pass only publicUrl',
      });
    }
    typed.publicUrl ??= oldPublicUrl;
  }
  const merged = {
    ...DEFAULT_SETTINGS,
    ...values,
    ...typed,
  } as Partial<WorkerSettings> & typeof DEFAULT_SETTINGS;
  // A token that is set but malformed is reported above; "required" is only for no token at all.
  if (!merged.token && !found.has('token')) {
    problems.push({
      setting: TOKEN_ENV_VARS[0],
      message: `is required: the satellite key (dfssat_…) shown once when the satellite was created (${TOKEN_ENV_VARS.slice(1).join(', ')} also works; or pass settings.token)`,
    });
  }
  problems.push(...checkOverrides(given));
  if (problems.length > 0) throw new ConfigurationError(problems);
  const publicUrl = merged.publicUrl.replace(/\/+$/, '') || merged.publicUrl;
  return {
    ...merged,
    token: merged.token as string,
    publicUrl,
    baseUrl: publicUrl,
    platformUrl: merged.platformUrl.replace(/\/+$/, ''),
    readyMaxAgeMs: merged.readyMaxAgeMs ?? Math.max(3 * merged.pollIntervalMs, 30_000),
  };
}

/**
 * `LUML_BASE_URL` used to be this satellite's public URL; it now names the platform API (the
 * convention every Uplink client follows, and upstream's Python client's meaning). An old
 * environment sets it next to `LUML_PLATFORM_URL`/`PLATFORM_URL` and without
 * `LUML_PUBLIC_URL`/`BASE_URL`: refuse it with the fix, rather than pair with the wrong host.
 */
function checkMovedBaseUrl(env: Env): ConfigurationProblem[] {
  const primary = firstEnv(env, ['LUML_BASE_URL']);
  const alias = firstEnv(env, BASE_URL_ENV_VARS.slice(1));
  const publicUrl = firstEnv(env, ['LUML_PUBLIC_URL', 'BASE_URL']);
  if (!primary || !alias || publicUrl || primary.value === alias.value) return [];
  return [
    {
      setting: 'LUML_BASE_URL',
      message: `names the platform API now, but ${alias.name} is set to another URL: if LUML_BASE_URL is this satellite's public URL, rename it LUML_PUBLIC_URL; otherwise unset ${alias.name}`,
    },
  ];
}

const isUrl = (value: unknown): boolean =>
  typeof value === 'string' && v.safeParse(UrlSchema, value).success;
const isMs = (min: number) => (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value >= min;
const isPort = (value: unknown): boolean =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535;
const isText = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

/** What typed overrides must hold (the environment is checked by {@link SPECS}). */
const OVERRIDE_CHECKS: { [K in keyof WorkerSettings]: [(value: unknown) => boolean, string] } = {
  token: [
    (value) => isText(value) && !/\s/.test(value as string),
    'expected a satellite key without spaces',
  ],
  platformUrl: [isUrl, 'expected an http(s) URL'],
  publicUrl: [isUrl, 'expected an http(s) URL'],
  baseUrl: [isUrl, 'expected an http(s) URL'],
  pollIntervalMs: [isMs(0), 'expected milliseconds ≥ 0'],
  pollBackoffMaxMs: [isMs(0), 'expected milliseconds ≥ 0'],
  healthPort: [isPort, 'expected a port number 0-65535'],
  healthHost: [isText, 'expected a host name or IP address'],
  healthEnabled: [(value) => typeof value === 'boolean', 'expected a boolean'],
  modelServerPort: [isPort, 'expected a port number 0-65535'],
  slug: [(value) => value === null || isText(value), 'expected a non-empty string or null'],
  concurrency: [
    (value) => Number.isInteger(value) && (value as number) >= 1,
    'expected a whole number ≥ 1',
  ],
  stateDir: [(value) => value === null || isText(value), 'expected a directory path or null'],
  outboxFsync: [(value) => typeof value === 'boolean', 'expected a boolean'],
  shutdownGraceMs: [isMs(0), 'expected milliseconds ≥ 0'],
  taskTimeoutMs: [
    (value) => value === null || isTaskTimeoutMs(value),
    `expected ${taskTimeoutRange('ms')}, or null for no timeout`,
  ],
  readyMaxAgeMs: [isMs(1), 'expected milliseconds ≥ 1'],
  abortGraceMs: [isMs(0), 'expected milliseconds ≥ 0'],
  pairTimeoutMs: [
    (value) => value === null || (isMs(1)(value) && (value as number) <= MAX_TIMER_MS),
    'expected milliseconds from 1 to 2147483647, or null to retry until stopped',
  ],
};

/** Problems of typed overrides; the secret token's value is never shown. */
function checkOverrides(overrides: SettingsOverrides): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  for (const [key, value] of Object.entries(overrides) as [keyof WorkerSettings, unknown][]) {
    const check = OVERRIDE_CHECKS[key];
    if (!check || check[0](value)) continue;
    const shown =
      key === 'token'
        ? ''
        : ` (got ${truncate(typeof value === 'string' ? JSON.stringify(value) : String(value))})`;
    problems.push({ setting: key, message: `${check[1]}${shown}` });
  }
  return problems;
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function stripUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as
    | Partial<T>
    | T;
}
