import type { Logger } from '@uplink/http';

/** A logger that adds `fields` to every call (the call's own fields win). */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, extra?: Record<string, unknown>): void =>
      logger[level](message, { ...fields, ...extra });
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
