/** Fake SATURN server (docs/protocols/saturn.md). */
export * from './fake-saturn.js';
export * from './fake-saturn-types.js';
export type {
  FakeApiKeyRecord,
  FakeChatMessage,
  FakeChatSession,
  FakeInvoice,
  FakeKbDocument,
  FakeSaturnAgent,
  FakeSaturnTool,
  FakeToolAttachment,
  FakeUsageEvent,
  SaturnState,
} from './state.js';
