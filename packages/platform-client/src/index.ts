/**
 * @uplink/platform-client: typed client for the LUML satellite API (`/satellites/v1`).
 */
export type {
  CallOptions,
  PairOptions,
  SatellitePlatform,
  UpdateDeploymentOptions,
} from './satellite-platform.js';
