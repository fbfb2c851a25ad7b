/**
 * @uplink/agent-client: a typed client for SATURN's multi-tenant agent platform API.
 * Runtime-neutral: nothing here imports `node:*`.
 */
export { SDK_VERSION } from './version.js';
