/**
 * @uplink/core-schemas/saturn: wire schemas of SATURN's agent platform API
 * (docs/protocols/saturn.md). Responses keep unknown fields and read codes, statuses and types as
 * open strings; request bodies are strict.
 */
export * from './agent.js';
export * from './auth.js';
export * from './billing.js';
export * from './chat.js';
export * from './common.js';
export * from './envelope.js';
export * from './kb.js';
export * from './spec-only.js';
export * from './tool.js';
