/**
 * @uplink/core-schemas/agent-sdk: wire schemas of agent-sdk's run, session and event API
 * (docs/protocols/agent-sdk.md). Responses keep unknown fields; request bodies are strict.
 */
export * from './common.js';
export * from './gateway-frames.js';
export * from './requests.js';
export * from './responses.js';
export * from './stream-envelope.js';
