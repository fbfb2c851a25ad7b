/**
 * AI Spine wire schemas (`@uplink/core-schemas/ai-spine`): executions, flows, agents and the
 * system routes, as docs/protocols/ai-spine.md describes them.
 */
export * from './agent.js';
export * from './common.js';
export * from './execution.js';
export * from './flow.js';
export * from './system.js';
