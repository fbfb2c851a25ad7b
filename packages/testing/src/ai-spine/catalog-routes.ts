// docs/protocols/ai-spine.md §4.4-4.11 and §2 (flows, agents, health, metrics, status, users/me)
import { isObject, readJsonBody, sendDetail, sendJson, sendValidation } from './http-io.js';
import { buildAgentFromBody } from './request-validation.js';
import type { RouteDefinition } from './router.js';
import type { SpineState } from './state.js';

/** What the catalog and system routes need from the fake. */
export interface CatalogRouteDeps {
  state: SpineState;
  /** Whether `/health` reports `startup_complete: true`. */
  startupComplete(): boolean;
}

/** Flow, agent, system and user routes. */
export function catalogRoutes(deps: CatalogRouteDeps): RouteDefinition[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      path: '/flows',
      root: 'optional',
      v1: 'optional',
      handler(ctx) {
        const flows = [...state.flows.values()];
        const body: Record<string, unknown> = { flows, count: flows.length };
        // Without a Supabase JWT (the fake has none) `/api/v1` sends `user_id: null`.
        if (ctx.prefix === '/api/v1') body.user_id = null;
        sendJson(ctx.res, 200, body);
      },
    },
    {
      method: 'GET',
      path: '/flows/{flow_id}',
      root: 'optional',
      v1: 'none',
      handler(ctx) {
        const id = ctx.params.flow_id ?? '';
        const flow = state.flows.get(id);
        if (!flow) return sendDetail(ctx.res, 404, `Flow '${id}' not found`);
        sendJson(ctx.res, 200, flow);
      },
    },
    {
      method: 'GET',
      path: '/agents',
      root: 'optional',
      v1: 'optional',
      handler(ctx) {
        const agents = [...state.agents.values()];
        if (ctx.prefix === '') return sendJson(ctx.res, 200, { agents, count: agents.length });
        // §4.6: `/api/v1` filters by owner. Every agent here is a "system" agent (no owner).
        if (ctx.caller.kind === 'master') {
          return sendJson(ctx.res, 200, { agents: [], count: 0, authenticated: true });
        }
        if (ctx.caller.kind === 'user') {
          // The backend handler currently fails for a valid user key.
          return sendDetail(
            ctx.res,
            500,
            "Error listing agents: 'NoneType' object is not iterable",
          );
        }
        sendJson(ctx.res, 200, { agents, count: agents.length, authenticated: false });
      },
    },
    {
      method: 'GET',
      path: '/agents/{agent_id}',
      root: 'none',
      v1: 'none',
      handler(ctx) {
        const id = ctx.params.agent_id ?? '';
        const agent = state.agents.get(id);
        if (!agent) return sendDetail(ctx.res, 404, `Agent '${id}' not found`);
        sendJson(ctx.res, 200, agent);
      },
    },
    {
      method: 'POST',
      path: '/agents',
      root: 'key',
      v1: 'none',
      async handler(ctx) {
        const body = await readJsonBody(ctx.req);
        if (!body.ok) return sendValidation(ctx.res, body.issues);
        if (!isObject(body.value)) {
          return sendValidation(ctx.res, [
            {
              type: 'dict_type',
              loc: ['body'],
              msg: 'Input should be a valid dictionary',
              input: body.value,
            },
          ]);
        }
        const built = buildAgentFromBody(body.value);
        if (!built.ok) return sendDetail(ctx.res, 500, built.detail);
        // Re-registering an id overwrites it (no 409).
        state.agents.set(built.agent.agent_id, built.agent);
        sendJson(ctx.res, 200, built.agent);
      },
    },
    {
      method: 'DELETE',
      path: '/agents/{agent_id}',
      root: 'key',
      v1: 'none',
      handler(ctx) {
        const id = ctx.params.agent_id ?? '';
        if (!state.agents.delete(id)) return sendDetail(ctx.res, 404, `Agent '${id}' not found`);
        sendJson(ctx.res, 200, { message: `Agent '${id}' unregistered successfully` });
      },
    },
    {
      method: 'GET',
      path: '/health',
      root: 'none',
      handler(ctx) {
        sendJson(ctx.res, 200, {
          status: 'healthy',
          timestamp: Date.now() / 1000,
          message: 'AI Spine API is running',
          startup_complete: deps.startupComplete(),
        });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      root: 'none',
      handler(ctx) {
        const executions = [...state.executions.values()];
        const count = (status: string) => executions.filter((e) => e.status === status).length;
        const last =
          executions
            .map((e) => e.created_at)
            .sort()
            .at(-1) ?? null;
        // §4.10: cancelled/running are never computed and the times are placeholders.
        sendJson(ctx.res, 200, {
          total_executions: executions.length,
          successful_executions: count('completed'),
          failed_executions: count('failed'),
          cancelled_executions: 0,
          running_executions: 0,
          average_execution_time: 0.0,
          total_execution_time: 0.0,
          last_execution: last,
        });
      },
    },
    {
      method: 'GET',
      path: '/status',
      root: 'none',
      handler(ctx) {
        const agents = [...state.agents.values()];
        sendJson(ctx.res, 200, {
          status: 'operational',
          components: {
            registry: 'active',
            communication: 'active',
            memory: 'active',
            orchestrator: 'active',
          },
          agents: { total: agents.length, active: agents.filter((a) => a.is_active).length },
          flows: { total: state.flows.size },
        });
      },
    },
    {
      method: 'GET',
      path: '/users/me',
      v1: 'key',
      handler(ctx) {
        if (ctx.caller.kind === 'user') {
          const { apiKey: _key, ...user } = ctx.caller.user;
          return sendJson(ctx.res, 200, user);
        }
        sendJson(ctx.res, 200, {
          id: 'master',
          email: 'master@ai-spine.com',
          name: 'Master User',
          organization: 'AI Spine',
          credits: 999999,
          rate_limit: 10000,
        });
      },
    },
  ];
}
