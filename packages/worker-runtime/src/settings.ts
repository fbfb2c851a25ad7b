// docs/protocols/luml.md §16 (settings and env vars) and §19 (planned names vs real names)
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import * as v from 'valibot';
import { isTaskTimeoutMs, taskTimeoutRange } from './task-timeout.js';

/** Validated worker settings. Durations are in milliseconds. */
export interface WorkerSettings {
  /** The satellite key (`dfssat_…`). Never logged. */
  token: string;
  /**
   * Platform API base URL.
   * @default 'https://api.luml.ai'
   */
  platformUrl: string;
  /**
   * This satellite's public URL, sent at pairing.
   * @default 'http://localhost'
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
   * `/readyz` fails when the last successful poll is older than this.
   * @default max(3 × pollIntervalMs, 30000)
   */
  readyMaxAgeMs: number;
}

interface SettingSpec {
  /** Settings key. */
  key: keyof WorkerSettings;
  /** Environment names, first wins. */
  names: string[];
  /** Parser from the raw string; returns the value or an error message (never the value). */
  parse: (raw: string) => { value: unknown } | { error: string };
  secret?: boolean;
}

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
  const text = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return { value: true };
  if (['0', 'false', 'no', 'off'].includes(text)) return { value: false };
  return { error: 'expected a boolean (true/false, 1/0, yes/no, on/off)' };
};

const text: SettingSpec['parse'] = (raw) =>
  raw.trim() ? { value: raw.trim() } : { error: 'expected a non-empty string' };

const SPECS: SettingSpec[] = [
  {
    key: 'token',
    names: ['LUML_SATELLITE_TOKEN', 'SATELLITE_TOKEN'],
    parse: (raw) =>
      raw.trim() && !/\s/.test(raw.trim())
        ? { value: raw.trim() }
        : { error: 'expected a satellite key (dfssat_…) without spaces' },
    secret: true,
  },
  {
    key: 'platformUrl',
    names: ['LUML_PLATFORM_URL', 'PLATFORM_URL'],
    parse: withSchema(UrlSchema, 'an http(s) URL such as https://api.luml.ai'),
  },
  {
    key: 'baseUrl',
    names: ['LUML_BASE_URL', 'BASE_URL'],
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
];

/** Typed settings that win over the environment; `undefined` entries are ignored. */
export type SettingsOverrides = { [K in keyof WorkerSettings]?: WorkerSettings[K] | undefined };

/** Every environment variable {@link loadSettings} reads, its `LUML_*` name first, then its aliases. */
export const SETTING_ENV_NAMES: Readonly<Record<keyof WorkerSettings, readonly string[]>> =
  Object.fromEntries(SPECS.map((s) => [s.key, s.names])) as Record<keyof WorkerSettings, string[]>;

/** Defaults, following the reference agent where it has the setting. */
export const DEFAULT_SETTINGS: Readonly<Omit<WorkerSettings, 'token' | 'readyMaxAgeMs'>> = {
  platformUrl: 'https://api.luml.ai',
  baseUrl: 'http://localhost',
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
};

/**
 * Read and validate worker settings from environment variables. The `LUML_*` names are
 * read first; the reference satellite's names (`SATELLITE_TOKEN`, `PLATFORM_URL`,
 * `POLL_INTERVAL_SEC`, `BASE_URL`, `MODEL_SERVER_PORT`) are accepted as aliases.
 * `overrides` (already typed) win over the environment.
 *
 * @throws ConfigurationError listing every problem at once; no message contains a secret value.
 */
export function loadSettings(
  env: Record<string, string | undefined> = globalThis.process?.env ?? {},
  overrides: SettingsOverrides = {},
): WorkerSettings {
  const problems: ConfigurationProblem[] = [];
  const values: Partial<Record<keyof WorkerSettings, unknown>> = {};
  for (const spec of SPECS) {
    const name = spec.names.find((n) => env[n] !== undefined && env[n] !== '');
    if (name === undefined) continue;
    const parsed = spec.parse(env[name] as string);
    if ('error' in parsed) {
      const shown = spec.secret ? '' : ` (got "${truncate(env[name] as string)}")`;
      problems.push({ setting: name, message: `${parsed.error}${shown}` });
    } else {
      values[spec.key] = parsed.value;
    }
  }
  const merged = {
    ...DEFAULT_SETTINGS,
    ...values,
    ...stripUndefined(overrides),
  } as Partial<WorkerSettings> & typeof DEFAULT_SETTINGS;
  if (!merged.token) {
    problems.push({
      setting: 'LUML_SATELLITE_TOKEN',
      message: 'is required (or SATELLITE_TOKEN): the satellite key shown once when it was created',
    });
  }
  problems.push(...checkOverrides(stripUndefined(overrides)));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    ...merged,
    token: merged.token as string,
    baseUrl: merged.baseUrl.replace(/\/+$/, '') || merged.baseUrl,
    platformUrl: merged.platformUrl.replace(/\/+$/, ''),
    readyMaxAgeMs: merged.readyMaxAgeMs ?? Math.max(3 * merged.pollIntervalMs, 30_000),
  };
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
