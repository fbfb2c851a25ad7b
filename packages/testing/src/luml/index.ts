/** Fake LUML platform, MockPlatformClient and factories (`@uplink/testing`). */
export { DEFAULT_URL_EXPIRES_SECONDS } from './artifact-storage.js';
export { generateSatelliteKey, generateUserKey } from './credentials.js';
export * from './factories.js';
export * from './fake-luml-platform.js';
export * from './mock-platform-client.js';
export type { LumlQuirks } from './route-support.js';
export type { RecordedRequest } from './router.js';
export * from './scripted-platform-mock.js';
export {
  type CreateDeploymentInput,
  type CreateSecretInput,
  type EnqueueTaskInput,
  PlatformError,
  type UploadArtifactInput,
} from './state-types.js';
