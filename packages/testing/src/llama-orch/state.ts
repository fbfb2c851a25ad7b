// docs/protocols/llama-orch.md §5 (admission records), §8 (sessions), §9 (pools).
import type { TaskRequest } from '@uplink/core-schemas/llama-orch';
import type { FaultInjector } from '../fault-injection.js';
import type { AdmissionQueue } from './admission.js';
import type { FakeApiVersion, FakeStreamMode, ResolvedQuirks } from './options.js';
import type { TranscriptFrame } from './stream-writer.js';

/**
 * A task request as the server deserialized it: an `i64` beyond 2^53 (a `seed`, say) stays
 * exact as a bigint.
 */
export type ServerTaskRequest = Omit<TaskRequest, 'seed' | 'deadline_ms'> & {
  seed?: number | bigint | undefined;
  deadline_ms: number | bigint;
};

/** An admitted task, as the fake remembers it. */
export interface FakeOrchTask {
  /** The task id. */
  taskId: string;
  /** The request body of the latest admission. */
  request: ServerTaskRequest;
  /** The 202 body sent. */
  admission: Record<string, unknown>;
  /** Route family it was admitted on. */
  apiVersion: 'v1' | 'v2';
  /**
   * `queued`: admitted, not streamed yet; `completed`: a stream finished (the admission record
   * is cleared, so a new stream starts at 0/0 like upstream); `dropped`: evicted by drop-lru.
   */
  status: 'queued' | 'streaming' | 'completed' | 'dropped';
  /** How many streams of this id were served. */
  streams: number;
  /**
   * How many times this id was admitted. The server does not deduplicate (§5.3): each
   * admission holds its own queue slot.
   */
  admissions: number;
}

/** Session metadata (§8); all a session holds. */
export interface FakeOrchSession {
  ttl_ms_remaining: number;
  turns: number;
  kv_bytes: number;
  kv_warmth: boolean;
  tokens_budget_remaining: number;
  time_budget_remaining_ms: number;
  cost_budget_remaining: number;
}

/** A pool's state (§9). Unknown pools report live and ready. */
export interface FakePoolState {
  live: boolean;
  ready: boolean;
  draining: boolean;
  last_error: string | null;
  /** The model ref of the last successful reload. */
  model_ref?: string | undefined;
  /** The `deadline_ms` of the last drain. */
  drain_deadline_ms?: number | undefined;
}

/** One request the fake received (for assertions). */
export interface FakeOrchRequestRecord {
  method: string;
  /** Path and query. */
  url: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
}

/** The inspectable, mutable state of a {@link FakeLlamaOrch}. */
export interface FakeLlamaOrchState {
  /** Route families served. */
  readonly apiVersion: FakeApiVersion;
  /** Accepted `X-API-Key` value (v1). */
  apiKey: string;
  /** Bearer token (v2, and v1 worker registration); unset allows every v2 request. */
  token: string | undefined;
  /** Tokens per second of generated streams; 0 is unpaced. Can be changed at run time. */
  tokensPerSecond: number;
  /** What an admitted task streams (see `FakeLlamaOrchOptions.streamMode`); can be changed at run time. */
  streamMode: FakeStreamMode;
  /** Whether CORS is on. */
  readonly cors: boolean;
  /** Resolved quirk flags; can be changed at run time. */
  quirks: ResolvedQuirks;
  /** Admission queue capacity. */
  readonly queueCapacity: number;
  /** The admission queue (interactive and batch FIFOs of task ids). */
  readonly queue: AdmissionQueue;
  /** Admitted tasks by id. */
  readonly tasks: Map<string, FakeOrchTask>;
  /** Sessions by id. */
  readonly sessions: Map<string, FakeOrchSession>;
  /** Pools touched by drain or reload, by id. */
  readonly pools: Map<string, FakePoolState>;
  /** Task ids with a pending cancel (cleared when a stream of that id completes). */
  readonly canceled: Set<string>;
  /** Frames of every completed stream, by task id (the server's transcript artifact). */
  readonly transcripts: Map<string, TranscriptFrame[]>;
  /** Catalog entries by model id, as created (plus `state` once set) (§10). */
  readonly catalog: Map<string, Record<string, unknown>>;
  /** Stored artifact documents by id (`sha256:<hex>`) (§10). */
  readonly artifacts: Map<string, unknown>;
  /** Calls per route, keyed `"METHOD /v1/tasks/{id}/stream"`. */
  readonly calls: Record<string, number>;
  /** Every request received, in order. */
  readonly requests: FakeOrchRequestRecord[];
  /** True once a worker registered: streams then come from the mock adapter (§6.6). */
  workerBound: boolean;
  /** Seeded fault injection, consulted before routing. */
  readonly faults: FaultInjector;
  /** Engine versions used for the generator's engine string. */
  readonly engineVersions: Record<string, string>;
  /** Upper bound on generated tokens. */
  readonly maxStreamTokens: number;
  /** Whether a completed stream frees its queue slot. */
  readonly releaseOnStreamEnd: boolean;
}

/** Session defaults of the server (§8). */
export function newSession(): FakeOrchSession {
  return {
    ttl_ms_remaining: 600000,
    turns: 0,
    kv_bytes: 0,
    kv_warmth: false,
    tokens_budget_remaining: 0,
    time_budget_remaining_ms: 600000,
    cost_budget_remaining: 0.0,
  };
}

/** Get or lazily create a session. */
export function sessionFor(state: FakeLlamaOrchState, id: string): FakeOrchSession {
  let session = state.sessions.get(id);
  if (!session) {
    session = newSession();
    state.sessions.set(id, session);
  }
  return session;
}

/** The generator's engine string for an engine id: `<engine>:<version>`. */
export function engineString(state: FakeLlamaOrchState, engine: string): string {
  return `${engine}:${state.engineVersions[engine] ?? 'v1.0.0'}`;
}

/** The static capabilities body the server sends (§4). */
export const CAPABILITIES_BODY = Object.freeze({
  api_version: '1.0.0',
  engines: ['llamacpp', 'vllm', 'tgi', 'triton'].map((engine) => ({
    engine,
    ctx_max: 32768,
    supported_workloads: ['completion', 'embedding', 'rerank'],
    rate_limits: {},
    features: {},
  })),
});
