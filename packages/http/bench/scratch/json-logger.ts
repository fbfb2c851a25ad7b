import { ConfigurationError } from '@uplink/core-schemas';
import { createRedactingLogger, type Logger, silentLogger } from './logger.js';

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Where JSON lines go: anything with a `write(string)` method, such as `process.stderr`. */
export interface LineSink {
  write(line: string): unknown;
}

/** Options for {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written. */
  level: LogLevel;
  /** Destination. @default process.stderr */
  stream?: LineSink | undefined;
  /** Clock for the `time` field, injectable for tests. @default () => new Date() */
  now?: (() => Date) | undefined;
  /** Extra secret values to scrub from every line. */
  secrets?: (() => Iterable<string | undefined>) | undefined;
}

/**
 * A logger that writes one JSON object per line (`{time, level, msg, ...fields}`), redacted
 * like every Uplink log. Fields that cannot be serialised are written as their string form.
 */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  const min = LEVELS.indexOf(options.level);
  if (min === -1) {
    throw new ConfigurationError([
      {
        setting: 'level',
        message: `expected one of ${LEVELS.join(', ')}, got "${String(options.level)}"`,
      },
    ]);
  }
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => new Date());
  const write =
    (level: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(level) < min) return;
      const record = { time: now().toISOString(), level, msg, ...fields };
      let line: string;
      try {
        line = JSON.stringify(record, (_key, value: unknown) =>
          typeof value === 'bigint' ? value.toString() : value,
        );
      } catch {
        line = JSON.stringify({ time: record.time, level, msg, fields: String(fields) });
      }
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

/**
 * The logger chosen by `UPLINK_LOG` (`debug`, `info`, `warn` or `error`): a JSON-lines logger
 * on stderr, or {@link silentLogger} when unset, empty or `off`. Any other value raises
 * {@link ConfigurationError}.
 */
export function loggerFromEnv(
  env: Record<string, string | undefined> = process.env,
  stream?: LineSink,
): Logger {
  const raw = env.UPLINK_LOG?.trim().toLowerCase();
  if (!raw || raw === 'off' || raw === 'silent') return silentLogger;
  if (!LEVELS.includes(raw as LogLevel)) {
    throw new ConfigurationError([
      {
        setting: 'UPLINK_LOG',
        message: `expected one of ${LEVELS.join(', ')} or off, got "${raw.slice(0, 40)}"`,
      },
    ]);
  }
  return createJsonLogger({ level: raw as LogLevel, stream });
}
