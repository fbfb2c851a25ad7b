// docs/protocols/ai-spine.md §1-§8 (options and public shape of the fake AI Spine)
import type { AgentInfo, FlowDefinition, FlowDefinitionInput } from '@uplink/core-schemas/ai-spine';
import type { FaultInjector, FaultInjectorOptions } from '../fault-injection.js';
import type { FakeExecution, FakeSpineUser } from './state.js';

/** Options for `startFakeAiSpine`. */
export interface FakeAiSpineOptions {
  /**
   * The server's `API_KEY_REQUIRED`: when true, root "key" routes answer 401 for a missing or
   * unknown key. `/api/v1` flow, execution and agent routes never check (§2).
   * @default false
   */
  apiKeyRequired?: boolean | undefined;
  /**
   * The master key (server env `API_KEY`).
   * @default 'ai-spine-dev-key-fake'
   */
  apiKey?: string | undefined;
  /** Legacy keys (they start `ai-spine-`) accepted like the master key. @default [] */
  legacyKeys?: string[] | undefined;
  /** User keys. A user with `credits <= 0` gets 401 `Invalid API key`. @default [] */
  users?: FakeSpineUserInput[] | undefined;
  /**
   * Reproduce the backend race of §5.2: a cancelled run keeps going and its end overwrites
   * `cancelled` with `completed`/`failed`. When false, cancel is final: the run stops before its
   * next node and the execution stays `cancelled`.
   * @default true
   */
  cancelOverwriteRace?: boolean | undefined;
  /**
   * Timeout of each agent call (the backend's fixed 30 s, §8 step 6).
   * @default 30000
   */
  agentTimeoutMs?: number | undefined;
  /**
   * Preload the bundled `credit_analysis` flow (§6), as the real server does.
   * @default true
   */
  bundledFlows?: boolean | undefined;
  /** More flows to load (validated with the §6 DAG rules). @default [] */
  flows?: FlowDefinitionInput[] | undefined;
  /** Agents to register at start. @default [] */
  agents?: RegisterAgentInput[] | undefined;
  /**
   * Delay before a new execution's background task sets `running`, so tests can observe
   * `pending`. @default 0
   */
  executionStartDelayMs?: number | undefined;
  /**
   * Make every execute of a known flow fail to start: HTTP 200, the zero UUID, `failed` and
   * `error: "Failed to start execution: <text>"` (§4.1). @default undefined (runs start)
   */
  startFailure?: string | undefined;
  /** What `/health` reports as `startup_complete`. @default true */
  startupComplete?: boolean | undefined;
  /** Seeded fault injection (shared helper). @default no faults */
  faults?: FaultInjectorOptions | undefined;
}

/** A user for {@link FakeAiSpineOptions.users}; only `apiKey` is required. */
export interface FakeSpineUserInput {
  apiKey: string;
  /** @default a random id */
  id?: string | undefined;
  /** @default `<id>@example.com` */
  email?: string | undefined;
  /** @default 'Test User' */
  name?: string | undefined;
  /** @default null */
  organization?: string | null | undefined;
  /** @default 100 */
  credits?: number | undefined;
  /** @default 60 */
  rate_limit?: number | undefined;
}

/** An agent to register directly (bypassing the HTTP quirks); only id and endpoint required. */
export interface RegisterAgentInput {
  agent_id: string;
  endpoint: string;
  /** @default agent_id */
  name?: string | undefined;
  /** @default '' */
  description?: string | undefined;
  /** @default [] */
  capabilities?: string[] | undefined;
  /** @default 'processor' */
  agent_type?: AgentInfo['agent_type'] | undefined;
  /** @default true */
  is_active?: boolean | undefined;
}

/** A running fake AI Spine. State is live and may be inspected or changed by tests. */
export interface FakeAiSpine extends AsyncDisposable {
  /** Base URL, `http://127.0.0.1:<port>`. Root routes here, versioned ones under `/api/v1`. */
  readonly url: string;
  /** The master key. */
  readonly apiKey: string;
  /** See {@link FakeAiSpineOptions.apiKeyRequired}; may be flipped at runtime. */
  apiKeyRequired: boolean;
  /** See {@link FakeAiSpineOptions.cancelOverwriteRace}; may be flipped at runtime. */
  cancelOverwriteRace: boolean;
  /** See {@link FakeAiSpineOptions.agentTimeoutMs}; may be changed at runtime. */
  agentTimeoutMs: number;
  /** See {@link FakeAiSpineOptions.executionStartDelayMs}. */
  executionStartDelayMs: number;
  /** See {@link FakeAiSpineOptions.startupComplete}. */
  startupComplete: boolean;
  /** See {@link FakeAiSpineOptions.startFailure}; may be set or cleared at runtime. */
  startFailure: string | undefined;
  /** Loaded flows by id. */
  readonly flows: Map<string, FlowDefinition>;
  /** Registered agents by id. */
  readonly agents: Map<string, AgentInfo>;
  /** Executions by id (canonical lowercase UUID). */
  readonly executions: Map<string, FakeExecution>;
  /** User keys by key. */
  readonly users: Map<string, FakeSpineUser>;
  /** Matched calls per route, keyed `"METHOD /template"` (`"POST /api/v1/flows/execute"`). */
  readonly calls: Record<string, number>;
  /** Every request received, in order (method, path with query, lower-case headers). */
  readonly requests: RecordedSpineRequest[];
  /** The fault injector every request passes through. */
  readonly faults: FaultInjector;
  /** Load a flow (defaults applied, DAG rules checked; throws `ConfigurationError`). */
  addFlow(flow: FlowDefinitionInput): FlowDefinition;
  /** Register (or overwrite) an agent directly. */
  registerAgent(info: RegisterAgentInput): AgentInfo;
  /** Add a user key. */
  addUser(user: FakeSpineUserInput): FakeSpineUser;
  /**
   * Start a `pending` execution's background task now instead of after
   * `executionStartDelayMs`, so a test can hold a run in `pending` (with a long delay) and let
   * it start at the moment it chooses. False when the execution is not waiting to start.
   */
  startPending(executionId: string): boolean;
  /**
   * Resolves with the execution once its background task has ended (immediately if it has
   * or never started). Rejects for an unknown id.
   */
  whenSettled(executionId: string): Promise<FakeExecution>;
  /** Stop the server and every running flow. Idempotent. */
  close(): Promise<void>;
}

/** One request as the fake saw it. */
export interface RecordedSpineRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}
