// docs/protocols/ai-spine.md §4.1-4.3, §4.12 and §5 (execute, get, cancel, list, node results)
import { randomUUID } from 'node:crypto';
import { type FlowDefinition, ZERO_EXECUTION_ID } from '@uplink/core-schemas/ai-spine';
import {
  parseIntQuery,
  parseUuid,
  pythonTimestamp,
  readJsonBody,
  sendDetail,
  sendJson,
  sendValidation,
} from './http-io.js';
import { validateExecuteBody } from './request-validation.js';
import type { RouteContext, RouteDefinition } from './router.js';
import { executionView, type FakeExecution, type SpineState } from './state.js';

/** What the execution routes need from the fake. */
export interface ExecutionRouteDeps {
  state: SpineState;
  /** Schedule the background task for a new `pending` execution (§5.1 step 1). */
  startExecution(execution: FakeExecution, flow: FlowDefinition): void;
  /** When set, starting a run fails with this text (§4.1 "Failed to start execution"). */
  startFailure(): string | undefined;
}

function failedStart(res: RouteContext['res'], error: string): void {
  sendJson(res, 200, {
    execution_id: ZERO_EXECUTION_ID,
    status: 'failed',
    result: null,
    error,
    execution_time: null,
  });
}

/** Look up `{execution_id}`: 422 for a non-UUID, 404 when unknown. */
function findExecution(
  ctx: RouteContext,
  state: SpineState,
  notFound: (id: string) => string,
): FakeExecution | undefined {
  const raw = ctx.params.execution_id ?? '';
  const parsed = parseUuid(raw, ['path', 'execution_id']);
  if (!parsed.ok) {
    sendValidation(ctx.res, [parsed.issue]);
    return undefined;
  }
  const execution = state.executions.get(parsed.value);
  if (!execution) sendDetail(ctx.res, 404, notFound(parsed.value));
  return execution;
}

/** The execution routes, mounted at the root (key) and under `/api/v1` (no auth). */
export function executionRoutes(deps: ExecutionRouteDeps): RouteDefinition[] {
  const { state } = deps;
  return [
    {
      method: 'POST',
      path: '/flows/execute',
      root: 'key',
      v1: 'none',
      async handler(ctx) {
        const body = await readJsonBody(ctx.req);
        if (!body.ok) return sendValidation(ctx.res, body.issues);
        const valid = validateExecuteBody(body.value);
        if (!valid.ok) return sendValidation(ctx.res, valid.issues);
        const request = valid.value;
        const flow = state.flows.get(request.flow_id);
        // §4.1 quirk: an unknown flow is HTTP 200 with the zero UUID and `failed`.
        if (!flow) return failedStart(ctx.res, `Flow '${request.flow_id}' not found`);
        const startFailure = deps.startFailure();
        if (startFailure !== undefined) {
          return failedStart(ctx.res, `Failed to start execution: ${startFailure}`);
        }
        const now = pythonTimestamp();
        const execution: FakeExecution = {
          execution_id: randomUUID(),
          flow_id: flow.flow_id,
          status: 'pending',
          input_data: request.input_data,
          output_data: {},
          error_message: null,
          metadata: request.metadata,
          user_id: request.user_id ?? (ctx.caller.kind === 'user' ? ctx.caller.user.id : null),
          priority: request.priority,
          timeout: request.timeout,
          created_at: now,
          updated_at: now,
          completed_at: null,
          started_at: null,
          node_results: [],
        };
        state.executions.set(execution.execution_id, execution);
        sendJson(ctx.res, 200, {
          execution_id: execution.execution_id,
          status: 'pending',
          result: null,
          error: null,
          execution_time: null,
        });
        deps.startExecution(execution, flow);
      },
    },
    {
      method: 'GET',
      path: '/executions',
      root: 'key',
      v1: 'none',
      handler(ctx) {
        const root = ctx.prefix === '';
        const limit = parseIntQuery(ctx.query, 'limit', root ? 100 : 20);
        const offset = parseIntQuery(ctx.query, 'offset', 0);
        const issues = [limit, offset].flatMap((r) => (r.ok ? [] : [r.issue]));
        if (issues.length > 0 || !limit.ok || !offset.ok) return sendValidation(ctx.res, issues);
        // §4.12: only the root route honours `flow_id`; `/api/v1` ignores every filter.
        const flowId = root ? ctx.query.get('flow_id') : null;
        const all = [...state.executions.values()].filter(
          (e) => flowId === null || e.flow_id === flowId,
        );
        const page = all.slice(offset.value, offset.value + limit.value).map(executionView);
        if (root) {
          return sendJson(ctx.res, 200, { executions: page, count: page.length, flow_id: flowId });
        }
        sendJson(ctx.res, 200, {
          executions: page,
          count: page.length,
          limit: limit.value,
          offset: offset.value,
        });
      },
    },
    {
      method: 'GET',
      path: '/executions/{execution_id}',
      root: 'key',
      v1: 'none',
      handler(ctx) {
        const execution = findExecution(ctx, state, (id) => `Execution '${id}' not found`);
        if (execution) sendJson(ctx.res, 200, executionView(execution));
      },
    },
    {
      method: 'GET',
      path: '/executions/{execution_id}/results',
      root: 'key',
      v1: 'none',
      handler(ctx) {
        const execution = findExecution(ctx, state, (id) => `Execution '${id}' not found`);
        if (!execution) return;
        if (ctx.prefix === '') {
          return sendJson(ctx.res, 200, {
            execution_id: execution.execution_id,
            node_results: execution.node_results,
            count: execution.node_results.length,
          });
        }
        sendJson(ctx.res, 200, {
          execution: executionView(execution),
          node_results: execution.node_results,
        });
      },
    },
    {
      method: 'POST',
      path: '/executions/{execution_id}/cancel',
      root: 'key',
      v1: 'none',
      handler(ctx) {
        const notRunning = (id: string) => `Execution '${id}' not found or not running`;
        const execution = findExecution(ctx, state, notRunning);
        if (!execution) return;
        // §5.2: only a running task can be cancelled; pending, finished and already
        // cancelled executions get the same 404. The task itself keeps going.
        if (execution.status !== 'running') {
          return sendDetail(ctx.res, 404, notRunning(execution.execution_id));
        }
        const now = pythonTimestamp();
        execution.status = 'cancelled';
        execution.error_message = 'Execution cancelled by user';
        execution.updated_at = now;
        execution.completed_at = now;
        sendJson(ctx.res, 200, { message: 'Execution cancelled successfully' });
      },
    },
  ];
}
