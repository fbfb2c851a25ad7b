/**
 * @uplink/core-schemas/luml: wire schemas of the LUML satellite protocol (`/satellites/v1`),
 * plus the user-side bodies a demo or fake platform needs. Responses keep unknown fields;
 * request bodies are strict.
 */
export * from './agent-api.js';
export * from './artifact.js';
export * from './capabilities.js';
export * from './common.js';
export * from './deployment.js';
export * from './satellite.js';
export * from './secret.js';
export * from './task.js';
