/**
 * @uplink/http/node: the Node-only parts of the transport (they use `process`).
 * Keep them out of the main entry so it stays runtime-neutral.
 */
export {
  createJsonLogger,
  type JsonLoggerOptions,
  type LineSink,
  type LogLevel,
  loggerFromEnv,
} from './json-logger.js';
