// ai-spine-protocol §1-§8 (a fake AI Spine backend that really runs flows)
import type { IncomingMessage } from 'node:http';
import { ConfigurationError, parseWire } from '@uplink/core-schemas';
import {
  type AgentInfo,
  AgentInfoSchema,
  type FlowDefinition,
  type FlowDefinitionInput,
  FlowDefinitionSchema,
  validateFlowGraph,
} from '@uplink/core-schemas/ai-spine';
import {
  createFaultInjector,
  type FaultInjector,
  type FaultInjectorOptions,
} from '../fault-injection.js';
import { startServer } from '../start-server.js';
import { resolveCaller } from './auth.js';
import { creditAnalysisFlow } from './bundled-flows.js';
import { catalogRoutes } from './catalog-routes.js';
import { executionRoutes } from './execution-routes.js';
import { runExecution } from './flow-runner.js';
import { pythonTimestamp } from './http-io.js';
import { createRouter } from './router.js';
import type { FakeExecution, FakeSpineUser, SpineState } from './state.js';

/** Options for {@link startFakeAiSpine}. */
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

function toUser(input: FakeSpineUserInput): FakeSpineUser {
  const id = input.id ?? crypto.randomUUID();
  return {
    apiKey: input.apiKey,
    id,
    email: input.email ?? `${id}@example.com`,
    name: input.name ?? 'Test User',
    organization: input.organization ?? null,
    credits: input.credits ?? 100,
    rate_limit: input.rate_limit ?? 60,
  };
}

/**
 * Start a fake AI Spine on loopback. It serves the root and `/api/v1` routes of the reference
 * with the backend's quirks (list wrappers, FastAPI 422 shapes, 500-wrapped agent errors, 200 +
 * zero UUID for unknown flows, cancel-only-while-running and its overwrite race) and really
 * runs flows by calling registered agents at `POST {endpoint}/execute`.
 */
export async function startFakeAiSpine(options: FakeAiSpineOptions = {}): Promise<FakeAiSpine> {
  const state: SpineState = {
    flows: new Map(),
    agents: new Map(),
    executions: new Map(),
    users: new Map(),
  };
  const closing = new AbortController();
  const runs = new Map<string, Promise<void>>();
  const calls: Record<string, number> = {};
  const requests: RecordedSpineRequest[] = [];
  const faults = createFaultInjector(options.faults);
  const legacyKeys = options.legacyKeys ?? [];

  const addFlow = (input: FlowDefinitionInput): FlowDefinition => {
    const flow = parseWire(FlowDefinitionSchema, input, 'flow definition');
    const problems = validateFlowGraph(flow);
    if (problems.length > 0) {
      throw new ConfigurationError(
        problems.map((message) => ({ setting: `flow ${flow.flow_id}`, message })),
      );
    }
    state.flows.set(flow.flow_id, flow);
    return flow;
  };
  const registerAgent = (info: RegisterAgentInput): AgentInfo => {
    const stamp = pythonTimestamp();
    const agent = parseWire(
      AgentInfoSchema,
      {
        name: info.agent_id,
        description: '',
        capabilities: [],
        agent_type: 'processor',
        is_active: true,
        created_at: stamp,
        updated_at: stamp,
        ...Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined)),
      },
      'agent',
    );
    state.agents.set(agent.agent_id, agent);
    return agent;
  };
  const addUser = (input: FakeSpineUserInput): FakeSpineUser => {
    const user = toUser(input);
    state.users.set(user.apiKey, user);
    return user;
  };

  if (options.bundledFlows ?? true) addFlow(creditAnalysisFlow());
  for (const flow of options.flows ?? []) addFlow(flow);
  for (const agent of options.agents ?? []) registerAgent(agent);
  for (const user of options.users ?? []) addUser(user);

  const fake = {
    apiKeyRequired: options.apiKeyRequired ?? false,
    cancelOverwriteRace: options.cancelOverwriteRace ?? true,
    agentTimeoutMs: options.agentTimeoutMs ?? 30_000,
    executionStartDelayMs: options.executionStartDelayMs ?? 0,
    startupComplete: options.startupComplete ?? true,
    startFailure: options.startFailure,
  };
  const apiKey = options.apiKey ?? 'ai-spine-dev-key-fake';

  const startExecution = (execution: FakeExecution, flow: FlowDefinition): void => {
    const run = new Promise<void>((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        closing.signal.removeEventListener('abort', onClose);
        resolve();
      }, fake.executionStartDelayMs);
      closing.signal.addEventListener('abort', onClose, { once: true });
    }).then(() =>
      runExecution(execution, flow, {
        state,
        signal: closing.signal,
        agentTimeoutMs: () => fake.agentTimeoutMs,
        cancelOverwriteRace: () => fake.cancelOverwriteRace,
      }),
    );
    runs.set(
      execution.execution_id,
      run.catch(() => undefined),
    );
  };

  const route = createRouter(
    [
      ...executionRoutes({ state, startExecution, startFailure: () => fake.startFailure }),
      ...catalogRoutes({ state, startupComplete: () => fake.startupComplete }),
    ],
    {
      caller: (req: IncomingMessage) =>
        resolveCaller(req, {
          apiKeyRequired: fake.apiKeyRequired,
          masterKey: apiKey,
          legacyKeys,
          users: state.users,
        }),
      count: (key) => {
        calls[key] = (calls[key] ?? 0) + 1;
      },
    },
  );

  const server = await startServer(async (req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: { ...req.headers },
    });
    if (await faults.intercept(req, res)) return;
    await route(req, res);
  });

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      await Promise.all(runs.values());
      await server.close();
    })();
    return closed;
  };

  return Object.assign(fake, {
    url: server.url,
    apiKey,
    flows: state.flows,
    agents: state.agents,
    executions: state.executions,
    users: state.users,
    calls,
    requests,
    faults,
    addFlow,
    registerAgent,
    addUser,
    async whenSettled(executionId: string): Promise<FakeExecution> {
      const execution = state.executions.get(executionId.toLowerCase());
      if (!execution) throw new Error(`Unknown execution '${executionId}'`);
      await runs.get(execution.execution_id);
      return execution;
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}
