// Fake agent-sdk server (HTTP, SSE and the WebSocket gateway) and its Python-style JSON writer.
export * from './fake-agent-sdk.js';
export type {
  FakeAgentMessage,
  FakeAgentSdkKey,
  FakeAgentSdkOptions,
  FakeAgentSdkQuota,
  FakeAgentSdkRole,
  FakeMidStreamDisconnect,
} from './options.js';
export { PyFloat, pyIsoNow, pyJson } from './py-json.js';
export type {
  FakeAgentSdkRequestRecord,
  FakeAgentSdkSettings,
  FakeAgentSdkState,
  FakeDevice,
  FakeEnvelope,
  FakeResolvedKey,
  FakeRun,
  FakeRunKind,
  FakeRunRecord,
  FakeSessionRecord,
} from './state.js';
