// docs/protocols/llama-orch.md §3.1 (worker registration), §8 (sessions), §9 (pools), §10
// (metrics).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readAxumJson } from './axum-json.js';
import { type RouteContext, sendPact } from './data-plane.js';
import { sendEmpty, sendJson, sendText } from './http-io.js';
import { findPactInteraction } from './pact-interactions.js';
import { type FakeLlamaOrchState, type FakePoolState, sessionFor } from './state.js';
import { DRAIN_REQUEST, JSON_VALUE, REGISTER_WORKER_BODY, RELOAD_REQUEST } from './wire-bodies.js';

/** `GET /v1/sessions/{id}`: 200, creating the session with defaults when absent. */
export function getSession(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  const pact = route.version === 'v1' && findPactInteraction('GET', `/v1/sessions/${route.id}`);
  if (pact) {
    sendPact(res, pact);
    return;
  }
  sendJson(res, 200, sessionFor(state, route.id));
}

/** `DELETE /v1/sessions/{id}`: 204; a later GET recreates it. */
export function deleteSession(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  const pact = route.version === 'v1' && findPactInteraction('DELETE', `/v1/sessions/${route.id}`);
  if (pact) {
    sendPact(res, pact);
    return;
  }
  state.sessions.delete(route.id);
  sendEmpty(res, 204);
}

const poolFor = (state: FakeLlamaOrchState, id: string): FakePoolState => {
  let pool = state.pools.get(id);
  if (!pool) {
    pool = { live: true, ready: true, draining: false, last_error: null };
    state.pools.set(id, pool);
  }
  return pool;
};

/** `GET …/pools/{id}/health`. */
export function getPoolHealth(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  const pool = state.pools.get(route.id) ?? {
    live: true,
    ready: true,
    draining: false,
    last_error: null,
  };
  sendJson(res, 200, {
    live: pool.live,
    ready: pool.ready,
    draining: pool.draining,
    metrics: { queue_depth: state.queue.size },
    last_error: pool.last_error,
  });
}

/** `POST …/pools/{id}/drain` `{deadline_ms}`: 202, empty body, `draining` afterwards. */
export async function drainPool(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteContext,
): Promise<void> {
  const body = await readAxumJson<{ deadline_ms: number | bigint }>(req, DRAIN_REQUEST);
  if (!body.ok) return sendText(res, body.status, body.text);
  const pool = poolFor(state, route.id);
  pool.draining = true;
  pool.drain_deadline_ms = Number(body.value.deadline_ms);
  sendEmpty(res, 202);
}

/** `POST …/pools/{id}/reload` `{new_model_ref}`: 202 (server 200), 409 empty for `"bad"`. */
export async function reloadPool(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteContext,
): Promise<void> {
  const body = await readAxumJson<{ new_model_ref: string }>(req, RELOAD_REQUEST);
  if (!body.ok) return sendText(res, body.status, body.text);
  const ref = body.value.new_model_ref;
  const pool = poolFor(state, route.id);
  if (ref === 'bad') {
    // Reload failed and rolled back: the previous model stays, the error is remembered.
    pool.last_error = 'reload failed: bad model ref';
    return sendEmpty(res, 409);
  }
  pool.model_ref = ref;
  pool.draining = false;
  pool.last_error = null;
  sendEmpty(res, state.quirks.reloadStatus200 ? 200 : 202);
}

/**
 * `POST /v2/pools/{id}/purge`: 202 `{"status":"accepted"}` (not routed in v1). The server reads
 * the body as `Option<Json<Value>>`, so a body it cannot read is ignored, never refused.
 */
export async function purgePool(req: IncomingMessage, res: ServerResponse): Promise<void> {
  await readAxumJson<unknown>(req, JSON_VALUE);
  sendJson(res, 202, { status: 'accepted' });
}

/** `POST …/workers/register`: Bearer required; binds the mock worker adapter (§3.1). */
export async function registerWorker(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // axum extracts the body before the handler runs. `Option<Json<RegisterWorkerBody>>`: a missing or unreadable body means the defaults.
  const read = await readAxumJson<{ pool_id?: string; replica_id?: string }>(
    req,
    REGISTER_WORKER_BODY,
  );
  const body = read.ok ? read.value : {};
  const auth = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(auth);
  if (!match) return sendJson(res, 401, { code: 40101, message: 'MISSING_TOKEN' });
  const presented = match[1]!.trim();
  if (state.token && presented !== state.token) {
    return sendJson(res, 401, { code: 40102, message: 'BAD_TOKEN' });
  }
  state.workerBound = true;
  const fp6 = createHash('sha256').update(presented).digest('hex').slice(0, 6);
  sendJson(res, 200, {
    ok: true,
    identity: `token:${fp6}`,
    pool_id: typeof body.pool_id === 'string' ? body.pool_id : 'default',
    replica_id: typeof body.replica_id === 'string' ? body.replica_id : 'r0',
  });
}

/** `GET /metrics`: Prometheus text, no auth. */
export function sendMetrics(state: FakeLlamaOrchState, res: ServerResponse): void {
  const lines = [
    '# TYPE queue_depth gauge',
    `queue_depth{engine="llamacpp",pool_id="default",priority="interactive"} ${state.queue.interactive.length}`,
    `queue_depth{engine="llamacpp",pool_id="default",priority="batch"} ${state.queue.batch.length}`,
    '# TYPE tasks_enqueued_total counter',
    // One per admission: a task_id admitted twice counts twice, as on the server.
    `tasks_enqueued_total ${[...state.tasks.values()].reduce((sum, t) => sum + t.admissions, 0)}`,
    '',
  ];
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(lines.join('\n'));
}
