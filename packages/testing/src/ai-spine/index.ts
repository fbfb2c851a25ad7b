/** Fake AI Spine server and loopback agents (docs/protocols/ai-spine.md). */
export * from './bundled-flows.js';
export * from './fake-agent.js';
export * from './fake-ai-spine.js';
export * from './fake-ai-spine-types.js';
export type { FakeExecution, FakeSpineUser } from './state.js';
