// docs/protocols/llama-orch.md §5 (admission), §6 (streaming) and §7 (cancel).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkSentinels, QUEUE_FULL_REJECTION, type Rejection } from './admission.js';
import { readAxumJson } from './axum-json.js';
import { sendEmpty, sendJson, sendText } from './http-io.js';
import { findPactInteraction, type PactInteraction } from './pact-interactions.js';
import {
  engineString,
  type FakeLlamaOrchState,
  type ServerTaskRequest,
  sessionFor,
} from './state.js';
import {
  defaultStreamPlan,
  generatedPlan,
  mockAdapterPlan,
  upstreamPlan,
  withPromptFaults,
} from './stream-plans.js';
import { runStream, type StreamPlan, type TranscriptFrame } from './stream-writer.js';
import { TASK_REQUEST } from './wire-bodies.js';

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
  const body = await readAxumJson<ServerTaskRequest>(req, TASK_REQUEST);
  if (!body.ok) return sendText(res, body.status, body.text);
  const request = body.value;
  const pact = version === 'v1' && findPactInteraction('POST', '/v1/tasks', request.task_id);
  if (pact) return sendPact(res, pact);
  const sentinel = checkSentinels(request);
  if (sentinel) return sendRejection(res, sentinel);

  // No deduplication (§5.3): the same task_id posted again takes another slot, and its 202
  // reports the position of the id's first entry, as the server looks it up.
  const known = state.tasks.get(request.task_id);
  const admitted = state.queue.admit(request.task_id, request.priority);
  if (!admitted.admitted) return sendRejection(res, QUEUE_FULL_REJECTION);
  if (admitted.dropped && !state.queue.holds(admitted.dropped)) {
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
    // The server formats the id into the path as is, without percent-encoding it.
    const id = request.task_id;
    admission.streams = {
      sse: `/v2/tasks/${id}/events`,
      sse_verbose: `/v2/tasks/${id}/events?verbose=true`,
    };
    admission.preparation = { steps: [] };
  }
  // The session is created (or read) only for an admitted task, as upstream orders it.
  const session = sessionFor(state, request.session_id);
  const headers = budgetHeaders(
    session.tokens_budget_remaining,
    session.time_budget_remaining_ms,
    session.cost_budget_remaining,
  );
  state.tasks.set(request.task_id, {
    taskId: request.task_id,
    request,
    admission,
    apiVersion: version,
    status: 'queued',
    streams: known?.streams ?? 0,
    admissions: (known?.admissions ?? 0) + 1,
  });
  sendJson(res, 202, admission, headers);
}

function planFor(state: FakeLlamaOrchState, id: string): StreamPlan {
  const task = state.tasks.get(id);
  if (state.workerBound) return mockAdapterPlan();
  // A drop-lru eviction leaves the admission record in place, as upstream does.
  const admitted =
    task && (task.status === 'queued' || task.status === 'dropped') ? task : undefined;
  if (state.streamMode === 'upstream') {
    const plan = upstreamPlan({
      queue_position: Number(admitted?.admission.queue_position ?? 0),
      predicted_start_ms: Number(admitted?.admission.predicted_start_ms ?? 0),
    });
    return admitted ? withPromptFaults(plan, admitted.request) : plan;
  }
  if (!admitted) return defaultStreamPlan({ queue_position: 0, predicted_start_ms: 0 });
  const plan = generatedPlan(
    admitted.request,
    {
      engineString: engineString(state, admitted.request.engine),
      maxStreamTokens: state.maxStreamTokens,
      tokensPerSecond: state.tokensPerSecond,
    },
    state.streamMode,
  );
  return withPromptFaults(plan, admitted.request);
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
  const before = task?.status;
  if (task) {
    task.status = 'streaming';
    task.streams++;
  }
  const frames: TranscriptFrame[] = [];
  const outcome = await runStream(res, plan, {
    headers: {
      'content-type': 'text/event-stream',
      // The real server answers with a finished body; a paced generated stream is live.
      ...(plan.buffered ? {} : { 'cache-control': 'no-cache' }),
      ...budgetHeaders(0, 0, 0),
    },
    isCanceled: () => state.canceled.has(id),
    quirks: state.quirks,
    record: (frame) => frames.push(frame),
  });
  if (outcome === 'disconnected') {
    if (task?.status === 'streaming' && before !== undefined) task.status = before;
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
