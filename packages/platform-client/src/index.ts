/**
 * @uplink/platform-client: typed client for the LUML satellite API (`/satellites/v1`).
 */

export type { Env } from '@uplink/http';
export { resolveInferenceUrl } from './inference-url.js';
export { PlatformClient } from './platform-client.js';
export {
  BASE_URL_ENV_VARS,
  DEFAULT_BASE_URL,
  DEFAULT_PLATFORM_URL,
  PLATFORM_URL_ENV_VARS,
  type PlatformClientCacheOptions,
  type PlatformClientOptions,
  SATELLITE_TOKEN_PREFIX,
  TOKEN_ENV_VARS,
} from './platform-client-options.js';
export type {
  CallOptions,
  PairOptions,
  SatellitePlatform,
  UpdateDeploymentOptions,
} from './satellite-platform.js';
export type { RejectedTaskIssue, RejectedTaskRow, TaskList } from './task-list.js';
export { VERSION } from './version.js';
