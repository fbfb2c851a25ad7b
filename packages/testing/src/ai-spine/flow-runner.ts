// docs/protocols/ai-spine.md §8 (how the backend executes a flow) and §5.2 (cancel races)
import { randomUUID } from 'node:crypto';
import {
  type FlowDefinition,
  type NodeResult,
  topologicalOrder,
} from '@uplink/core-schemas/ai-spine';
import { isObject, pythonTimestamp } from './http-io.js';
import type { FakeExecution, SpineState } from './state.js';

/** What the runner reads from the fake at run time (options may change between runs). */
export interface FlowRunnerContext {
  state: SpineState;
  /** Per agent call timeout (the backend's fixed 30 s). */
  agentTimeoutMs(): number;
  /** Whether the finishing task overwrites a `cancelled` status (the backend does). */
  cancelOverwriteRace(): boolean;
  /** Aborted when the fake closes: the run stops without touching the execution. */
  signal: AbortSignal;
}

class NodeFailure extends Error {}

const REASONS: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** httpx's `raise_for_status()` text, which the backend stores as the error message. */
function statusMessage(status: number, url: string): string {
  const kind =
    status >= 500
      ? 'Server error'
      : status >= 400
        ? 'Client error'
        : status >= 300
          ? 'Redirect response'
          : 'Informational response';
  const phrase = REASONS[status] ? `${status} ${REASONS[status]}` : String(status);
  return `${kind} '${phrase}' for url '${url}'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/${status}`;
}

function transportMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'All connection attempts failed';
  if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') {
    return 'Server disconnected without sending a response.';
  }
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Call one agent: `POST {endpoint}/execute` with the §8 body, no auth header, and a
 * timeout. Resolves the node's output; throws {@link NodeFailure} with the error text.
 */
async function callAgent(
  endpoint: string,
  body: Record<string, unknown>,
  timeoutMs: number,
  closeSignal: AbortSignal,
): Promise<Record<string, unknown>> {
  // Plain concatenation, like the backend: a trailing slash in the endpoint gives `//execute`.
  const url = `${endpoint}/execute`;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = AbortSignal.any([timeout.signal, closeSignal]);
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        // httpx does not follow redirects by default: a 3xx fails the node.
        redirect: 'manual',
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (timeout.signal.aborted) {
        throw new NodeFailure(`ReadTimeout: no answer from ${url} within ${timeoutMs} ms`);
      }
      throw new NodeFailure(transportMessage(error));
    }
    if (response.status < 200 || response.status > 299) {
      throw new NodeFailure(statusMessage(response.status, url));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new NodeFailure('Expecting value: line 1 column 1 (char 0)');
    }
    const output = isObject(parsed) ? parsed.output : undefined;
    if (output === undefined || output === null) return {};
    if (!isObject(output)) {
      throw new NodeFailure(`Agent output must be an object, got ${JSON.stringify(output)}`);
    }
    return output;
  } finally {
    clearTimeout(timer);
  }
}

function touch(execution: FakeExecution): string {
  const now = pythonTimestamp();
  execution.updated_at = now;
  return now;
}

/**
 * Run an execution in the background, following §8 steps 3-9: all nodes in topological order,
 * one at a time; each node's input is the execution input shallow-merged with its direct
 * dependencies' outputs (in `depends_on` order, later keys win); the first failing node fails
 * the execution; otherwise `output_data` is keyed by exit node. A cancel (§5.2) does not stop
 * the task; at the end the status is overwritten unless `cancelOverwriteRace()` is false, in
 * which case the run stops at the next node and the execution stays `cancelled`.
 */
export async function runExecution(
  execution: FakeExecution,
  flow: FlowDefinition,
  context: FlowRunnerContext,
): Promise<void> {
  const { state, signal } = context;
  if (signal.aborted) return;
  execution.status = 'running';
  execution.started_at = touch(execution);
  const order = topologicalOrder(flow) ?? [];
  const outputs = new Map<string, Record<string, unknown>>();
  const stopped = (): boolean =>
    signal.aborted || (execution.status === 'cancelled' && !context.cancelOverwriteRace());
  let failure: string | undefined;
  for (const node of order) {
    if (stopped()) return;
    const input: Record<string, unknown> = { ...execution.input_data };
    for (const dep of node.depends_on) Object.assign(input, outputs.get(dep) ?? {});
    const started = Date.now();
    const record: NodeResult = {
      id: randomUUID(),
      execution_id: execution.execution_id,
      node_id: node.id,
      agent_id: node.agent_id,
      status: 'running',
      input_data: input,
      output_data: null,
      error_message: null,
      execution_time_ms: null,
      created_at: pythonTimestamp(),
      updated_at: pythonTimestamp(),
      completed_at: null,
    };
    execution.node_results.push(record);
    try {
      const agent = node.agent_id === null ? undefined : state.agents.get(node.agent_id);
      // Step 5: `is_active` is not checked; only a missing registration fails.
      if (!agent)
        throw new NodeFailure(`Agent '${node.agent_id ?? 'None'}' not found or not active`);
      const body = {
        execution_id: execution.execution_id,
        node_id: node.id,
        input,
        config: node.config,
      };
      const output = await callAgent(agent.endpoint, body, context.agentTimeoutMs(), signal);
      outputs.set(node.id, output);
      record.status = 'completed';
      record.output_data = output;
    } catch (error) {
      if (signal.aborted) return;
      failure = error instanceof NodeFailure ? error.message : String(error);
      record.status = 'failed';
      record.error_message = failure;
    }
    record.execution_time_ms = Date.now() - started;
    record.updated_at = pythonTimestamp();
    record.completed_at = record.updated_at;
    if (failure !== undefined) break;
  }
  if (stopped()) return;
  const now = touch(execution);
  execution.completed_at = now;
  if (failure !== undefined) {
    execution.status = 'failed';
    execution.error_message = failure;
    return;
  }
  execution.status = 'completed';
  execution.error_message = null;
  execution.output_data = Object.fromEntries(
    flow.exit_points.map((exit) => [exit, outputs.get(exit) ?? {}]),
  );
}
