// Fake llama-orch server, its deterministic token generator and the canned Pact interactions.
export * from './fake-llama-orch.js';
export type {
  FakeApiVersion,
  FakeLlamaOrchOptions,
  FakeStreamMode,
  LlamaOrchQuirks,
} from './options.js';
export { PACT_INTERACTIONS, PACT_SSE_BODY, type PactInteraction } from './pact-interactions.js';
export type {
  FakeLlamaOrchState,
  FakeOrchRequestRecord,
  FakeOrchSession,
  FakeOrchTask,
  FakePoolState,
  ServerTaskRequest,
} from './state.js';
export type { TranscriptFrame } from './stream-writer.js';
export * from './token-generator.js';
export { FAKE_WORDS, generateWords } from './word-generator.js';
