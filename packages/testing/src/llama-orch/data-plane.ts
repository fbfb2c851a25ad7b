// docs/protocols/llama-orch.md §5 (admission), §6 (streaming) and §7 (cancel).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  checkSentinels,
  QUEUE_FULL_REJECTION,
  type Rejection,
  readTaskRequest,
} from './admission.js';
import { readJsonBody, sendEmpty, sendJson, sendText } from './http-io.js';
import { findPactInteraction, type PactInteraction } from './pact-interactions.js';
import { engineString, type FakeLlamaOrchState, sessionFor } from './state.js';
import { defaultStreamPlan, generatedPlan, mockAdapterPlan } from './stream-plans.js';
import { runStream, type StreamPlan, type TranscriptFrame } from './stream-writer.js';

/** Where a request is going: route family and the `{id}` of the path. */
export interface RouteContext {
  version: 'v1' | 'v2';
  id: string;
  query: URLSearchParams;
}

/** Answer with a canned Pact interaction. */
export function sendPact(res: ServerResponse, pact: PactInteraction): void {
  if (pact.body === undefined) {
    sendEmpty(res, pact.status, pact.headers);
    return;
  }
  const text = typeof pact.body === 'string' ? pact.body : JSON.stringify(pact.body);
  res.writeHead(pact.status, {
    ...pact.headers,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Send a rejection: JSON envelope or plain text. */
export function sendRejection(res: ServerResponse, rejection: Rejection): void {
  if (rejection.body) {
    sendJson(res, rejection.status, rejection.body, rejection.headers);
    return;
  }
  if (rejection.text) {
    sendText(res, rejection.status, rejection.text, rejection.headers);
    return;
  }
  sendEmpty(res, rejection.status, rejection.headers);
}

const budgetHeaders = (tokens: number, timeMs: number, cost: number): Record<string, string> => ({
  'x-budget-tokens-remaining': String(tokens),
  'x-budget-time-remaining-ms': String(timeMs),
  'x-budget-cost-remaining': String(cost),
});

/** `POST /v1/tasks` (v2 `/v2/tasks`). */
export async function enqueueTask(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
  version: 'v1' | 'v2',
): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) return sendText(res, body.status, body.text);
  const parsed = readTaskRequest(body.value);
  if (!parsed.ok) return sendRejection(res, parsed.rejection);
  const { request } = parsed;
  const pact = version === 'v1' && findPactInteraction('POST', '/v1/tasks', request.task_id);
  if (pact) return sendPact(res, pact);
  const sentinel = checkSentinels(request);
  if (sentinel) return sendRejection(res, sentinel);

  const session = sessionFor(state, request.session_id);
  const headers = budgetHeaders(
    session.tokens_budget_remaining,
    session.time_budget_remaining_ms,
    session.cost_budget_remaining,
  );
  // Enqueue is idempotent by task_id: a retried admission gets the same answer, no new slot.
  const known = state.tasks.get(request.task_id);
  if (known?.status === 'queued') return sendJson(res, 202, known.admission, headers);

  const admitted = state.queue.admit(request.task_id, request.priority);
  if (!admitted.admitted) return sendRejection(res, QUEUE_FULL_REJECTION);
  if (admitted.dropped) {
    const dropped = state.tasks.get(admitted.dropped);
    if (dropped) dropped.status = 'dropped';
  }
  const admission: Record<string, unknown> = {
    task_id: request.task_id,
    queue_position: admitted.queuePosition,
    predicted_start_ms: admitted.queuePosition * 100,
    backoff_ms: 0,
  };
  if (version === 'v2') {
    const id = encodeURIComponent(request.task_id);
    admission.streams = {
      sse: `/v2/tasks/${id}/events`,
      sse_verbose: `/v2/tasks/${id}/events?verbose=true`,
    };
    admission.preparation = { steps: [] };
  }
  state.tasks.set(request.task_id, {
    taskId: request.task_id,
    request,
    admission,
    apiVersion: version,
    status: 'queued',
    streams: known?.streams ?? 0,
  });
  sendJson(res, 202, admission, headers);
}

function planFor(state: FakeLlamaOrchState, id: string): StreamPlan {
  const task = state.tasks.get(id);
  if (state.workerBound) return mockAdapterPlan();
  if (task?.status !== 'queued') {
    return defaultStreamPlan({ queue_position: 0, predicted_start_ms: 0 });
  }
  return generatedPlan(task.request, {
    engineString: engineString(state, task.request.engine),
    maxStreamTokens: state.maxStreamTokens,
    tokensPerSecond: state.tokensPerSecond,
  });
}

/** `GET /v1/tasks/{id}/stream` (v2 `/v2/tasks/{id}/events`). */
export async function streamTask(
  state: FakeLlamaOrchState,
  _req: IncomingMessage,
  res: ServerResponse,
  route: RouteContext,
): Promise<void> {
  const { id, version } = route;
  if (version === 'v2' && state.quirks.v2VerboseQuery && [...route.query.keys()].length > 0) {
    return sendText(
      res,
      400,
      'Failed to deserialize query string: invalid type: map, expected a boolean',
    );
  }
  const pact = version === 'v1' && findPactInteraction('GET', `/v1/tasks/${id}/stream`);
  if (pact) return sendPact(res, pact);

  const plan = planFor(state, id);
  const task = state.tasks.get(id);
  if (task) {
    task.status = 'streaming';
    task.streams++;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...budgetHeaders(0, 0, 0),
  });
  res.flushHeaders();
  const frames: TranscriptFrame[] = [];
  const outcome = await runStream(res, plan, {
    isCanceled: () => state.canceled.has(id),
    quirks: state.quirks,
    record: (frame) => frames.push(frame),
  });
  if (outcome === 'disconnected') {
    if (task?.status === 'streaming') task.status = 'queued';
    return;
  }
  // A completed stream clears the admission record and the cancel flag (§6.1).
  state.transcripts.set(id, frames);
  state.canceled.delete(id);
  if (task) task.status = 'completed';
  if (state.releaseOnStreamEnd) state.queue.release(id);
}

/** `POST /v1/tasks/{id}/cancel`: 204 for any id, repeatable (§7). */
export function cancelTask(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  const pact =
    route.version === 'v1' && findPactInteraction('POST', `/v1/tasks/${route.id}/cancel`);
  if (pact) {
    sendPact(res, pact);
    return;
  }
  state.canceled.add(route.id);
  sendEmpty(res, 204);
}
