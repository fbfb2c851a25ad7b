// docs/protocols/ai-spine.md §1-§8 (a fake AI Spine backend that really runs flows)
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
import { createFaultInjector } from '../fault-injection.js';
import { startServer } from '../start-server.js';
import { resolveCaller } from './auth.js';
import { creditAnalysisFlow } from './bundled-flows.js';
import { catalogRoutes } from './catalog-routes.js';
import { executionRoutes } from './execution-routes.js';
import type {
  FakeAiSpine,
  FakeAiSpineOptions,
  FakeSpineUserInput,
  RecordedSpineRequest,
  RegisterAgentInput,
} from './fake-ai-spine-types.js';
import { runExecution } from './flow-runner.js';
import { pythonTimestamp } from './http-io.js';
import { createRouter } from './router.js';
import type { FakeExecution, FakeSpineUser, SpineState } from './state.js';

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
 * Start a fake AI Spine on loopback. It serves the root and `/api/v1` routes of
 * docs/protocols/ai-spine.md with the backend's quirks (list wrappers, FastAPI 422 shapes,
 * 500-wrapped agent errors, 200 + zero UUID for unknown flows, cancel-only-while-running and its
 * overwrite race) and really runs flows by calling registered agents at `POST {endpoint}/execute`.
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
  /** Executions still waiting out `executionStartDelayMs`, and what starts them now. */
  const waiting = new Map<string, () => void>();
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
      const start = (): void => {
        clearTimeout(timer);
        waiting.delete(execution.execution_id);
        closing.signal.removeEventListener('abort', onClose);
        resolve();
      };
      const timer = setTimeout(start, fake.executionStartDelayMs);
      waiting.set(execution.execution_id, start);
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
    startPending(executionId: string): boolean {
      const start = waiting.get(executionId.toLowerCase());
      start?.();
      return start !== undefined;
    },
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
