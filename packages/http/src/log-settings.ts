import { ConfigurationError } from '@uplink/core-schemas';

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** How a line logger writes each event: one JSON object, or one human-readable line. */
export type LogFormat = 'json' | 'text';

/** What `UPLINK_LOG` selects: the lowest level written (`'silent'`: nothing) and the line format. */
export interface LogSettings {
  /** Lowest level written; `'silent'` writes nothing. */
  level: LogLevel | 'silent';
  /** Line format. */
  format: LogFormat;
}

/** The levels, least to most severe. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const SILENT = new Set(['off', 'silent', 'none']);
const FORMATS = new Set<string>(['json', 'text']);

/**
 * Read an `UPLINK_LOG` value: comma- or space-separated words, each a level (`debug`, `info`,
 * `warn`, `error`), `silent` (or `off`, `none`), or a format (`json`, `text`). Words left out
 * keep `defaults`; a format alone turns a silent default on at `info`. Case is ignored.
 *
 * @example
 * parseLogSettings('debug,json', { level: 'info', format: 'text' }); // { level: 'debug', format: 'json' }
 * @throws ConfigurationError (setting `UPLINK_LOG`) on any other word.
 */
export function parseLogSettings(raw: string | undefined, defaults: LogSettings): LogSettings {
  const words = (raw ?? '')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);
  let level: LogSettings['level'] | undefined;
  let format: LogFormat | undefined;
  for (const word of words) {
    if (SILENT.has(word)) level = 'silent';
    else if ((LOG_LEVELS as readonly string[]).includes(word)) level = word as LogLevel;
    else if (FORMATS.has(word)) format = word as LogFormat;
    else {
      throw new ConfigurationError([
        {
          setting: 'UPLINK_LOG',
          message: `expected one of ${LOG_LEVELS.join(', ')} or off (silent), optionally with a format, json or text (such as "debug,json"); got "${word.slice(0, 40)}"`,
        },
      ]);
    }
  }
  return {
    level: level ?? (format !== undefined && defaults.level === 'silent' ? 'info' : defaults.level),
    format: format ?? defaults.format,
  };
}
