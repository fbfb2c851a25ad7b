/**
 * @uplink/core-schemas/llama-orch: wire schemas of the llama-orch v1/v2 HTTP API, with the
 * tolerant variants the upstream server sends, and the error-kind registry.
 */
export * from './admission-response.js';
export * from './capabilities.js';
export * from './enums.js';
export * from './error-envelope.js';
export * from './session-and-pools.js';
export * from './sse-events.js';
export * from './task-request.js';
