/**
 * @uplink/run-client: a typed client for agent-sdk's run, session and event API. Runtime-neutral:
 * nothing here imports `node:*`.
 */
export { SDK_VERSION } from './version.js';
