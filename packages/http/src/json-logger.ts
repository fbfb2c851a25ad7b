import { ConfigurationError } from '@uplink/core-schemas';
import {
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type LogSettings,
  parseLogSettings,
} from './log-settings.js';
import { createRedactingLogger, type Logger, silentLogger } from './logger.js';

/** Where lines go: anything with a `write(string)` method, such as `process.stderr`. */
export interface LineSink {
  write(line: string): unknown;
}

/** Options for {@link createLineLogger}. */
export interface LineLoggerOptions {
  /** Lowest level written. */
  level: LogLevel;
  /**
   * `json`: one object per line, `{time, level, msg, ...fields}`. `text`: one human-readable
   * line, `<time> <LEVEL> <message>`, with the fields appended as `key=value` only at the
   * `debug` level (messages at other levels are written to stand on their own).
   * @default 'json'
   */
  format?: LogFormat | undefined;
  /** Destination. @default process.stderr */
  stream?: LineSink | undefined;
  /** Clock for the `time` field, injectable for tests. @default () => new Date() */
  now?: (() => Date) | undefined;
  /** Extra secret values to scrub from every line. */
  secrets?: (() => Iterable<string | undefined>) | undefined;
}

/** Options for {@link createJsonLogger}: {@link LineLoggerOptions} with the `json` format. */
export type JsonLoggerOptions = Omit<LineLoggerOptions, 'format'>;

const serialise = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? inner.toString() : inner,
  );

function jsonLine(time: string, level: LogLevel, msg: string, fields?: Record<string, unknown>) {
  try {
    return serialise({ time, level, msg, ...fields });
  } catch {
    return serialise({ time, level, msg, fields: String(fields) });
  }
}

/** `key=value`, quoting a string only when it has spaces or quotes in it. */
function fieldText(key: string, value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  else {
    try {
      shown = serialise(value) ?? String(value);
    } catch {
      shown = String(value);
    }
  }
  return `${key}=${shown}`;
}

function textLine(
  time: string,
  level: LogLevel,
  msg: string,
  fields: Record<string, unknown> | undefined,
  showFields: boolean,
): string {
  // One event, one line: a multi-line message (a list of problems) is folded.
  const text = msg.replace(/\s*[\r\n]+\s*/g, ' ');
  const extra =
    showFields && fields
      ? Object.entries(fields)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => ` ${fieldText(key, value)}`)
          .join('')
      : '';
  return `${time} ${level.toUpperCase().padEnd(5)} ${text}${extra}`;
}

/**
 * A logger that writes one line per event, JSON (`{time, level, msg, ...fields}`) or
 * human-readable text, redacted like every Uplink log. Fields that cannot be serialised are
 * written as their string form.
 *
 * @example
 * const logger = createLineLogger({ level: 'info', format: 'text' });
 * logger.info('paired'); // 2026-01-01T00:00:00.000Z INFO  paired
 */
export function createLineLogger(options: LineLoggerOptions): Logger {
  const min = LOG_LEVELS.indexOf(options.level);
  if (min === -1) {
    throw new ConfigurationError([
      {
        setting: 'level',
        message: `expected one of ${LOG_LEVELS.join(', ')}, got "${String(options.level)}"`,
      },
    ]);
  }
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'text') {
    throw new ConfigurationError([
      { setting: 'format', message: `expected json or text, got "${String(format)}"` },
    ]);
  }
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => new Date());
  const showFields = options.level === 'debug';
  const write =
    (level: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (LOG_LEVELS.indexOf(level) < min) return;
      const time = now().toISOString();
      const line =
        format === 'json'
          ? jsonLine(time, level, msg, fields)
          : textLine(time, level, msg, fields, showFields);
      stream.write(`${line}\n`);
    };
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
  return createRedactingLogger(logger, options.secrets);
}

/** A {@link createLineLogger} that writes JSON lines. */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  return createLineLogger({ ...options, format: 'json' });
}

/** Defaults of {@link loggerFromEnv}: off, JSON lines when turned on. */
const CLIENT_DEFAULTS: LogSettings = { level: 'silent', format: 'json' };

/**
 * The settings `UPLINK_LOG` selects in `env` (see {@link parseLogSettings}), over `defaults`.
 * @throws ConfigurationError when `UPLINK_LOG` holds a word it does not know.
 */
export function logSettingsFromEnv(
  env: Record<string, string | undefined> = process.env,
  defaults: Partial<LogSettings> = {},
): LogSettings {
  return parseLogSettings(env.UPLINK_LOG, { ...CLIENT_DEFAULTS, ...defaults });
}

/**
 * The logger chosen by `UPLINK_LOG` (`debug`, `info`, `warn`, `error`, `off`/`silent`, with an
 * optional format `json` or `text`, as in `UPLINK_LOG=debug,text`): a line logger on stderr, or
 * {@link silentLogger}. Without `defaults` it is off until `UPLINK_LOG` turns it on, and writes
 * JSON lines; the worker runtime passes `{ level: 'info', format: 'text' }`. Any other value
 * raises {@link ConfigurationError}.
 */
export function loggerFromEnv(
  env: Record<string, string | undefined> = process.env,
  stream?: LineSink,
  defaults: Partial<LogSettings> = {},
): Logger {
  const { level, format } = logSettingsFromEnv(env, defaults);
  if (level === 'silent') return silentLogger;
  return createLineLogger({ level, format, stream });
}
