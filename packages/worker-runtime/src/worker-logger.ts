import type { ConfigurationProblem } from '@uplink/core-schemas';
import { ConfigurationError } from '@uplink/core-schemas';
import type { Env, Logger } from '@uplink/http';
import { type LogSettings, loggerFromEnv, logSettingsFromEnv } from '@uplink/http/node';

/**
 * What the worker logs when no `logger` is given: human-readable lines on stderr at `info`.
 * `UPLINK_LOG` changes it: a level (`debug`, `info`, `warn`, `error`), `silent` (or `off`), a
 * format (`json` for JSON lines, `text`), or both, as in `UPLINK_LOG=debug,json`.
 */
export const WORKER_LOG_DEFAULTS: Readonly<LogSettings> = { level: 'info', format: 'text' };

/**
 * The worker's default logger from `env`, or the `UPLINK_LOG` problem (reported with the
 * settings' problems in one `ConfigurationError`).
 */
export function defaultWorkerLogger(
  env: Env,
): { logger: Logger; problem?: undefined } | { logger?: undefined; problem: ConfigurationProblem } {
  try {
    return { logger: loggerFromEnv(env, process.stderr, WORKER_LOG_DEFAULTS) };
  } catch (error) {
    if (error instanceof ConfigurationError && error.problems[0]) {
      return { problem: error.problems[0] };
    }
    throw error;
  }
}

/** Whether `UPLINK_LOG` asks for `debug` (then startup errors show their stack). */
export function debugRequested(env: Env): boolean {
  try {
    return logSettingsFromEnv(env, WORKER_LOG_DEFAULTS).level === 'debug';
  } catch {
    return false;
  }
}
