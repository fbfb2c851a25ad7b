/** Fake AI Spine server and loopback agents (ai-spine-protocol reference). */
export * from './bundled-flows.js';
export * from './fake-agent.js';
export * from './fake-ai-spine.js';
export * from './fake-ai-spine-types.js';
export type { FakeExecution, FakeSpineUser } from './state.js';
