import { redactText, redactValue } from '@uplink/core-schemas';

/**
 * The logging interface every Uplink package writes to. pino, `console` and the JSON-lines
 * logger from `@uplink/http/node` all satisfy it.
 */
export interface Logger {
  /** Per-attempt and per-event detail. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Notable lifecycle events. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong but the operation continues (a retry, a dropped event). */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** An operation failed. */
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** A logger that drops everything: the default, so logging is off unless asked for. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});

/**
 * Wrap a logger so that every message and field is redacted before it is written: secret
 * headers and fields (see `isSecretField`) and every known secret value (`secrets()`, read at
 * each call so rotating tokens are covered). Wrapping {@link silentLogger} returns it unchanged.
 */
export function createRedactingLogger(
  logger: Logger,
  secrets: () => Iterable<string | undefined> = () => [],
): Logger {
  if (logger === silentLogger) return logger;
  const wrap =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const known = [...secrets()];
      const text = redactText(message, known);
      if (fields === undefined) logger[level](text);
      else logger[level](text, redactValue(fields, known));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
