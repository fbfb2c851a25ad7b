// docs/protocols/agent-sdk.md §1.5-§1.9: the run routes.
import { createHash } from 'node:crypto';
import { HttpError, orgFrom, projectFrom } from './auth.js';
import { sendJson } from './http-io.js';
import { PyFloat } from './py-json.js';
import type { RouteCall } from './route-types.js';
import {
  countTokens,
  createRun,
  emitRun,
  ensureSession,
  finishRecord,
  quotaRefusal,
  runModel,
} from './run-engine.js';
import { listEventsFrom, streamRun } from './run-store.js';
import { writeSse } from './sse-writer.js';
import type { FakeRun } from './state.js';
import { type PydanticIssue, queryInt, validateRunTaskRequest } from './validation.js';

const HINT_EXECUTION = 'Review logs for stack trace and configuration issues.';

/** The validated run request fields the handlers use. */
interface RunBody {
  task: string;
  tags?: Record<string, string> | null;
  lineage?: Record<string, unknown> | null;
}

function validRunBody(body: unknown): RunBody {
  const issues = validateRunTaskRequest(body);
  if (issues.length > 0) throw new HttpError(422, issues);
  const object = body as RunBody;
  return { ...object, task: object.task.trim() };
}

/** The tags and metadata of an HTTP run (§1.6). */
function runLabels(call: RouteCall, body: RunBody, projectId: string | undefined) {
  const tags: Record<string, string> = { ...(body.tags ?? {}) };
  if (projectId) tags.project_id ??= projectId;
  tags.api_key_fingerprint ??= createHash('sha256').update(call.key.key).digest('hex').slice(0, 12);
  const metadata: Record<string, unknown> = {
    request_id: call.requestId,
    trace_id: call.traceId,
  };
  if (body.lineage) metadata.lineage = body.lineage;
  return { tags, metadata };
}

/**
 * What `POST /run` and `POST /run/stream` do before the model runs: the quota check (429), a new
 * session for the org, and the run record, `running`, with its tags and metadata (§1.6).
 */
function startHttpRun(
  call: RouteCall,
  body: RunBody,
  kind: 'sync' | 'stream',
  orgId: string,
  projectId: string | undefined,
): FakeRun {
  const { state } = call;
  const refused = quotaRefusal(state, orgId);
  if (refused) throw new HttpError(429, `Quota exceeded: ${refused}`);
  const session = ensureSession(state, undefined, orgId);
  const { tags, metadata } = runLabels(call, body, projectId);
  return createRun(state, {
    kind,
    task: body.task,
    sessionId: session.session_id,
    orgId,
    model: 'mock',
    tags,
    metadata,
  });
}

const wait = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** `POST /run`: synchronous; idempotent replay of successful answers; records no events. */
export async function runSync(call: RouteCall): Promise<void> {
  const { state, req } = call;
  const body = validRunBody(call.body);
  const orgId = orgFrom(req, call.key);
  const projectId = projectFrom(state, req, call.key, orgId);
  const idempotencyKey = headerOf(call, 'idempotency-key');
  if (idempotencyKey) {
    const cached = state.idempotency.get(idempotencyKey);
    if (cached && cached.expiresAt > Date.now())
      return sendJson(call.res, 200, cached.body, call.ctx);
    if (cached) state.idempotency.delete(idempotencyKey);
  }
  const run = startHttpRun(call, body, 'sync', orgId, projectId);
  await wait(state.settings.runDelayMs);
  const outcome = runModel(state, run);
  if (outcome.error !== undefined) {
    // The record is never updated after a failure: it stays `running`.
    throw new HttpError(500, `Task execution failed: ${outcome.error} Hint: ${HINT_EXECUTION}`);
  }
  const tokens = outcome.messages.reduce((sum, m) => sum + countTokens(m.content), 0);
  finishRecord(state, run, 'completed', { orgId, tokenCount: tokens });
  const answer = {
    status: 'success',
    result: {
      run_id: run.record.run_id,
      session_id: run.record.session_id,
      messages: outcome.messages,
    },
    error: null,
    execution_time_ms: new PyFloat(0),
  };
  if (idempotencyKey) {
    state.idempotency.set(idempotencyKey, {
      body: answer,
      expiresAt: Date.now() + state.settings.idempotencyTtlMs,
    });
  }
  sendJson(call.res, 200, answer, call.ctx);
}

/** `POST /run/stream`: the run goes on in the background; the answer is its event stream. */
export async function runStream(call: RouteCall): Promise<void> {
  const { state, req } = call;
  const body = validRunBody(call.body);
  const orgId = orgFrom(req, call.key);
  const projectId = projectFrom(state, req, call.key, orgId);
  const run = startHttpRun(call, body, 'stream', orgId, projectId);
  run.inStore = true;
  emitRun(state, run, {
    startPayload: { task: body.task },
    eventOrgId: orgId,
    recordOrgId: undefined,
    countTokens: true,
    failure: 'event',
  });
  const failure = state.settings.streamFailure;
  await consume(call, run, undefined, {
    method: 'POST',
    afterHistory: state.settings.seqZeroThenSilence ? run.flush : undefined,
    failAfterEvents: failure?.afterEvents,
    failureMessage: failure?.message,
  });
}

/** Find a run and check its org against `X-Org-Id` (read routes ignore the key's org). */
function readableRun(call: RouteCall): FakeRun {
  const run = call.state.runs.get(call.params.run_id ?? '');
  if (!run) throw new HttpError(404, 'Run not found');
  if (run.record.org_id !== orgFrom(call.req)) throw new HttpError(403, 'Forbidden');
  return run;
}

/** `GET /run/{run_id}`. */
export function getRun(call: RouteCall): void {
  sendJson(call.res, 200, readableRun(call).record, call.ctx);
}

/** `GET /run/{run_id}/events`: history then live; 404 for runs not in the event store. */
export async function runEvents(call: RouteCall): Promise<void> {
  const stored = call.state.runs.get(call.params.run_id ?? '');
  if (!stored?.inStore) throw new HttpError(404, 'Run not found');
  const run = readableRun(call);
  await consume(call, run, undefined, { method: 'GET' });
}

/** `GET /run/{run_id}/events/replay?from_seq=&limit=`: inclusive `from_seq`, then `limit`. */
export function replayEvents(call: RouteCall): void {
  const issues: PydanticIssue[] = [];
  const fromSeq = queryInt(issues, call.query, 'from_seq');
  const limit = queryInt(issues, call.query, 'limit') ?? 1000;
  if (issues.length > 0) throw new HttpError(422, issues);
  const run = readableRun(call);
  const events = pySlice(listEventsFrom(run, fromSeq), limit);
  sendJson(call.res, 200, { events, count: events.length }, call.ctx);
}

/** Python's `items[:limit]`, negative limits included. */
export function pySlice<T>(items: T[], limit: number): T[] {
  return items.slice(0, limit < 0 ? Math.max(0, items.length + limit) : limit);
}

function headerOf(call: RouteCall, name: string): string | undefined {
  const value = call.req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}

/** Stream `run` to this request as SSE until the run's stream ends or the client leaves. */
async function consume(
  call: RouteCall,
  run: FakeRun,
  fromSeq: number | undefined,
  options: {
    method: string;
    afterHistory?: (() => void) | undefined;
    failAfterEvents?: number | undefined;
    failureMessage?: string | undefined;
  },
): Promise<void> {
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  call.res.on('close', onClose);
  try {
    await writeSse(
      call.state,
      call.res,
      call.ctx,
      streamRun(run, call.state.settings, fromSeq, gone.signal, {
        afterHistory: options.afterHistory,
      }),
      {
        method: options.method,
        path: call.requestPath,
        run,
        failAfterEvents: options.failAfterEvents,
        failureMessage: options.failureMessage,
      },
    );
  } finally {
    call.res.off('close', onClose);
    gone.abort();
  }
}
