/**
 * @uplink/http/node: the Node-only parts of the transport (they use `process`).
 * Keep them out of the main entry so it stays runtime-neutral.
 */
export {
  createJsonLogger,
  createLineLogger,
  type JsonLoggerOptions,
  type LineLoggerOptions,
  type LineSink,
  loggerFromEnv,
  logSettingsFromEnv,
} from './json-logger.js';
export {
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  type LogSettings,
  parseLogSettings,
} from './log-settings.js';
