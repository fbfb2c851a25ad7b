// docs/protocols/agent-sdk.md §1.6 (records) and §1.8 (per-run history and live queue).
import type { FaultInjector } from '../fault-injection.js';
import type { LiveQueue } from './live-queue.js';
import type {
  FakeAgentMessage,
  FakeAgentSdkQuota,
  FakeAgentSdkRole,
  FakeMidStreamDisconnect,
} from './options.js';

/** A stream envelope as the fake stores and sends it (wire names, insertion order). */
export interface FakeEnvelope {
  run_id: string;
  session_id: string;
  stream: string;
  event: string;
  payload: Record<string, unknown>;
  timestamp: string;
  seq?: number;
  status?: string;
  metadata?: Record<string, unknown>;
}

/** A run record (`GET /run/{id}`), in the server's field order. */
export interface FakeRunRecord {
  run_id: string;
  session_id: string;
  agent_id: string;
  org_id: string;
  status: string;
  model: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  tags: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** A session record, in the server's field order. */
export interface FakeSessionRecord {
  session_id: string;
  org_id: string;
  user_id: string | null;
  created_at: string;
  updated_at: string;
  tags: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** How a run was started. */
export type FakeRunKind = 'sync' | 'stream' | 'channel' | 'gateway';

/** One run: its record and, for runs in the event store, its history and live queue. */
export interface FakeRun {
  record: FakeRunRecord;
  kind: FakeRunKind;
  task: string;
  /** Whether the run is in the in-memory event store (synchronous `POST /run` runs are not). */
  inStore: boolean;
  /** Retained events, oldest first (at most `maxEvents`). */
  history: FakeEnvelope[];
  /** The live queue, created by the first consumer and never removed (§1.8). */
  queue: LiveQueue<FakeEnvelope> | undefined;
  /** SSE responses opened on this run so far (for `midStreamDisconnect`). */
  sseResponses: number;
  /** SSE responses cut short (by `midStreamDisconnect` or a `cutStream` fault). */
  cuts: number;
  /** Emits every remaining event at once (the fast-run race). */
  flush: () => void;
  /** Settles when the run has finished. */
  done: Promise<void>;
}

/** A registered device. */
export interface FakeDevice {
  device_id: string;
  name: string;
  pairing_code: string;
  created_at: string;
  paired: boolean;
  agent_id: string | null;
}

/** A key as the fake checks it. */
export interface FakeResolvedKey {
  key: string;
  orgId: string;
  projectId: string | undefined;
  role: FakeAgentSdkRole;
  scopes: string[];
  rateLimitPerMinute: number | undefined;
}

/** One request the fake received. */
export interface FakeAgentSdkRequestRecord {
  method: string;
  /** Path and query as sent (with `/v1` when used). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The fake's live, inspectable state. */
export interface FakeAgentSdkState {
  keys: Map<string, FakeResolvedKey>;
  jwtSecret: string | undefined;
  projects: Map<string, string>;
  quotas: Record<string, FakeAgentSdkQuota>;
  runs: Map<string, FakeRun>;
  /** Sessions in creation order (the list route answers newest first). */
  sessions: Map<string, FakeSessionRecord>;
  devices: Map<string, FakeDevice>;
  /** Cached `POST /run` answers by `Idempotency-Key`. */
  idempotency: Map<string, { body: unknown; expiresAt: number }>;
  /** Runs and sessions created per org (for quotas). */
  usage: Map<string, { runs: number; sessions: number }>;
  /** Every request, in order. */
  requests: FakeAgentSdkRequestRecord[];
  /** Requests per route key, e.g. `calls['POST /run/stream']` (after the `/v1` strip). */
  calls: Record<string, number>;
  /** The shared seeded fault injector. */
  faults: FaultInjector;
  /** Mutable switches (see `FakeAgentSdkOptions`). */
  settings: FakeAgentSdkSettings;
  /** Open WebSocket connections. */
  gatewayConnections: number;
}

/** Switches that may be changed while the fake runs. */
export interface FakeAgentSdkSettings {
  respond: (task: string) => FakeAgentMessage[];
  failTask: ((task: string) => string | undefined) | undefined;
  runDelayMs: number;
  messageDelayMs: number;
  fixtureSpelling: boolean;
  dropSeqs: Set<number>;
  midStreamDisconnect: FakeMidStreamDisconnect | undefined;
  seqZeroThenSilence: boolean;
  streamFailure: { afterEvents: number; message?: string | undefined } | undefined;
  liveQueueSize: number;
  maxEvents: number;
  gatewayQueueSize: number;
  gatewaySendDelayMs: number;
  idempotencyTtlMs: number;
  now: () => Date;
}
