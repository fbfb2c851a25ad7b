// docs/protocols/saturn.md §2.4 (agents) and §2.6 (version bumps, disable, tenancy)
import { requirePermission } from './auth.js';
import { SaturnFailure } from './http-io.js';
import type { SaturnContext, SaturnRoute } from './router.js';
import type { SaturnRuntime } from './runtime.js';
import type { FakeSaturnAgent } from './state.js';
import { AGENT_CREATE, AGENT_UPDATE } from './validation.js';

/** The company's agent with this id, or 404 `AGENT_NOT_FOUND` (another company's included). */
export function findAgent(
  runtime: SaturnRuntime,
  companyId: string,
  agentId: string,
): FakeSaturnAgent {
  const agent = runtime.state.agents.get(agentId);
  if (!agent || agent.company_id !== companyId) throw new SaturnFailure('AGENT_NOT_FOUND');
  return agent;
}

type Config = Record<string, unknown> | null;

/** The wire view of an agent: exactly the fields the server sends, in its order. */
export function agentView(agent: FakeSaturnAgent): Record<string, unknown> {
  return {
    agent_id: agent.agent_id,
    company_id: agent.company_id,
    name: agent.name,
    type: agent.type,
    status: agent.status,
    model_config: agent.model_config,
    behavior_config: agent.behavior_config,
    memory_config: agent.memory_config,
    rag_config: agent.rag_config,
    tool_policy: agent.tool_policy,
    channel_config: agent.channel_config,
    version: agent.version,
  };
}

function create({ auth, body, runtime }: SaturnContext) {
  requirePermission(auth, 'agents:write', runtime.rolePermissions);
  const agent: FakeSaturnAgent = {
    agent_id: crypto.randomUUID(),
    company_id: auth.company_id,
    name: body.name as string,
    type: body.type as string,
    status: (body.status as string | undefined) ?? 'active',
    model_config: body.model_config as Record<string, unknown>,
    behavior_config: body.behavior_config as Record<string, unknown>,
    memory_config: (body.memory_config as Config) ?? null,
    rag_config: (body.rag_config as Config) ?? null,
    tool_policy: (body.tool_policy as Config) ?? null,
    channel_config: (body.channel_config as Config) ?? null,
    version: 1,
  };
  runtime.state.agents.set(agent.agent_id, agent);
  return { agent_id: agent.agent_id, version: agent.version };
}

function list({ auth, query, runtime }: SaturnContext) {
  requirePermission(auth, 'agents:read', runtime.rolePermissions);
  // Empty filters are no filters (`if agent_type:` upstream).
  const type = query.get('type');
  const status = query.get('status');
  const agents = [...runtime.state.agents.values()].filter(
    (a) =>
      a.company_id === auth.company_id &&
      (!type || a.type === type) &&
      (!status || a.status === status),
  );
  return { agents: agents.map(agentView) };
}

function get({ auth, params, runtime }: SaturnContext) {
  requirePermission(auth, 'agents:read', runtime.rolePermissions);
  return agentView(findAgent(runtime, auth.company_id, params.agent_id ?? ''));
}

const UPDATABLE = [
  'name',
  'status',
  'model_config',
  'behavior_config',
  'memory_config',
  'rag_config',
  'tool_policy',
  'channel_config',
] as const;

function update({ auth, body, params, runtime }: SaturnContext) {
  requirePermission(auth, 'agents:write', runtime.rolePermissions);
  const agent = findAgent(runtime, auth.company_id, params.agent_id ?? '');
  // `null` values and unknown keys (`type` included) are ignored; the version always moves.
  for (const key of UPDATABLE) {
    const value = body[key];
    if (value !== undefined && value !== null)
      (agent as unknown as Record<string, unknown>)[key] = value;
  }
  agent.version += 1;
  return { agent_id: agent.agent_id, version: agent.version };
}

function disable({ auth, params, runtime }: SaturnContext) {
  requirePermission(auth, 'agents:write', runtime.rolePermissions);
  const agent = findAgent(runtime, auth.company_id, params.agent_id ?? '');
  if (agent.status !== 'disabled') {
    agent.status = 'disabled';
    agent.version += 1;
  }
  return { agent_id: agent.agent_id, version: agent.version };
}

/** `/agents`, `/agents/{agent_id}`, `/agents/{agent_id}/disable`. */
export const agentRoutes: SaturnRoute[] = [
  { method: 'POST', path: '/agents', credential: 'jwt', body: AGENT_CREATE, handler: create },
  { method: 'GET', path: '/agents', credential: 'jwt', handler: list },
  { method: 'GET', path: '/agents/{agent_id}', credential: 'jwt', handler: get },
  {
    method: 'PATCH',
    path: '/agents/{agent_id}',
    credential: 'jwt',
    body: AGENT_UPDATE,
    handler: update,
  },
  { method: 'POST', path: '/agents/{agent_id}/disable', credential: 'jwt', handler: disable },
];
