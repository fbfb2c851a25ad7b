/**
 * @uplink/testing: real loopback fake servers, fault injection, mocks and factories for
 * testing code built on Uplink. Node only. vitest fixtures live in `@uplink/testing/vitest`.
 */

export * from './agent-sdk/index.js';
export * from './ai-spine/index.js';
export * from './fault-injection.js';
export * from './llama-orch/index.js';
export * from './luml/index.js';
export * from './run-to-exit.js';
export * from './saturn/index.js';
export * from './seeded-random.js';
export * from './start-server.js';
