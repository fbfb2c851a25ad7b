// How a Worker reads its configuration: settings from the environment and `options.settings`,
// the queue limit and the logger, every problem reported at once.
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import {
  createRedactingLogger,
  firstEnv,
  type Logger,
  readProcessEnv,
  silentLogger,
} from '@uplink/http';
import { TOKEN_ENV_VARS } from '@uplink/platform-client';
import { checkMaxQueuedTasks } from './polling-loop.js';
import { loadSettings, type SettingsOverrides, type WorkerSettings } from './settings.js';
import { defaultWorkerLogger } from './worker-logger.js';
import type { WorkerOptions } from './worker-options.js';

/** A worker's configuration, checked. */
export interface WorkerConfig {
  settings: WorkerSettings;
  /** The worker's logger, which scrubs the token. */
  logger: Logger;
  /** Where the token came from, named in 401/403 errors. */
  tokenSource: string;
}

/** Collect a `ConfigurationError`'s problems; anything else is rethrown. */
function collect<T>(problems: ConfigurationProblem[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * Read the settings (explicit ones win over the environment), the queue limit and the logger.
 * @throws ConfigurationError listing every bad or missing setting (and a bad `UPLINK_LOG`) at
 *   once; the token is never shown.
 */
export function resolveWorkerConfig(options: WorkerOptions): WorkerConfig {
  const env = options.env ?? readProcessEnv();
  const overrides: SettingsOverrides = { ...options.settings };
  if (options.concurrency !== undefined) overrides.concurrency = options.concurrency;
  const problems: ConfigurationProblem[] = [];
  const settings = collect(problems, () => loadSettings(env, overrides));
  collect(problems, () => checkMaxQueuedTasks(options.maxQueuedTasks));
  const fallback = options.logger === undefined ? defaultWorkerLogger(env) : undefined;
  if (fallback?.problem) problems.push(fallback.problem);
  if (problems.length > 0 || !settings) throw new ConfigurationError(problems);
  return {
    settings,
    logger: createRedactingLogger(options.logger ?? fallback?.logger ?? silentLogger, () => [
      settings.token,
    ]),
    tokenSource:
      overrides.token !== undefined
        ? 'settings.token'
        : (firstEnv(env, TOKEN_ENV_VARS)?.name ?? TOKEN_ENV_VARS[0]),
  };
}
