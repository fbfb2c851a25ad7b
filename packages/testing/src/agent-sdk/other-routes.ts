// docs/protocols/agent-sdk.md §1.4 and §1.6: sessions, the channel webhook, devices and the
// public health routes.
import { randomBytes } from 'node:crypto';
import { HttpError, orgFrom, projectFrom } from './auth.js';
import { sendJson } from './http-io.js';
import { pyIsoNow } from './py-json.js';
import type { RouteCall } from './route-types.js';
import { createRun, emitRun, ensureSession } from './run-engine.js';
import {
  type PydanticIssue,
  queryInt,
  validateChannelMessage,
  validateDevicePair,
  validateDeviceRegister,
} from './validation.js';

/** `GET /sessions?limit=`: newest first, `limit` applied before the org filter (§1.6). */
export function listSessions(call: RouteCall): void {
  const issues: PydanticIssue[] = [];
  const limit = queryInt(issues, call.query, 'limit') ?? 100;
  if (issues.length > 0) throw new HttpError(422, issues);
  const newestFirst = [...call.state.sessions.values()].reverse();
  // SQLite reads a negative LIMIT as "no limit".
  const page = limit < 0 ? newestFirst : newestFirst.slice(0, limit);
  const orgId = orgFrom(call.req);
  sendJson(
    call.res,
    200,
    page.filter((session) => session.org_id === orgId),
    call.ctx,
  );
}

/** `GET /sessions/{session_id}`. */
export function getSession(call: RouteCall): void {
  const session = call.state.sessions.get(call.params.session_id ?? '');
  if (!session) throw new HttpError(404, 'Session not found');
  if (session.org_id !== orgFrom(call.req)) throw new HttpError(403, 'Forbidden');
  sendJson(call.res, 200, session, call.ctx);
}

/**
 * `POST /channels/webhook`: synchronous; an unknown `session_id` is created under that id; the
 * run records events like a streamed run. A model failure escapes the handler: a plain-text 500.
 */
export async function channelWebhook(call: RouteCall): Promise<void> {
  const { state, req } = call;
  const issues = validateChannelMessage(call.body);
  if (issues.length > 0) throw new HttpError(422, issues);
  const body = call.body as { message: string; session_id?: string | null; channel?: string };
  if ((body.channel ?? 'web') !== 'web') throw new HttpError(400, 'Unsupported channel');
  const orgId = orgFrom(req, call.key);
  projectFrom(state, req, call.key, orgId);
  const session = ensureSession(state, body.session_id ?? undefined, orgId);
  const run = createRun(state, {
    kind: 'channel',
    task: body.message,
    sessionId: session.session_id,
    orgId,
    model: null,
    tags: {},
    metadata: {},
  });
  const outcome = emitRun(state, run, {
    startPayload: { channel: 'web', message: body.message },
    eventOrgId: orgId,
    recordOrgId: orgId,
    countTokens: false,
    failure: 'raise',
  });
  await run.done;
  if (outcome.error !== undefined) {
    const text = 'Internal Server Error';
    call.res.writeHead(500, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(text.length),
    });
    call.res.end(text);
    return;
  }
  sendJson(
    call.res,
    200,
    { run_id: run.record.run_id, session_id: run.record.session_id, messages: outcome.messages },
    call.ctx,
  );
}

/** `POST /devices/register`: `dev_<16 hex>` and a 6-hex pairing code. */
export function registerDevice(call: RouteCall): void {
  const issues = validateDeviceRegister(call.body);
  if (issues.length > 0) throw new HttpError(422, issues);
  const device = {
    device_id: `dev_${randomBytes(8).toString('hex')}`,
    name: (call.body as { name: string }).name,
    pairing_code: randomBytes(3).toString('hex'),
    created_at: pyIsoNow(call.state.settings.now),
    paired: false,
    agent_id: null,
  };
  call.state.devices.set(device.device_id, device);
  sendJson(
    call.res,
    200,
    {
      device_id: device.device_id,
      pairing_code: device.pairing_code,
      created_at: device.created_at,
    },
    call.ctx,
  );
}

/** `POST /devices/pair`: the same code pairs again; an unknown device is the same 400. */
export function pairDevice(call: RouteCall): void {
  const issues = validateDevicePair(call.body);
  if (issues.length > 0) throw new HttpError(422, issues);
  const body = call.body as { device_id: string; pairing_code: string; agent_id: string };
  const device = call.state.devices.get(body.device_id);
  if (!device || device.pairing_code !== body.pairing_code) {
    throw new HttpError(400, 'Invalid device or pairing code');
  }
  device.paired = true;
  device.agent_id = body.agent_id;
  sendJson(
    call.res,
    200,
    { status: 'paired', device_id: body.device_id, agent_id: body.agent_id },
    call.ctx,
  );
}

/** `GET /health`. */
export function health(call: RouteCall): void {
  sendJson(call.res, 200, { status: 'healthy', version: '0.1.0' }, call.ctx);
}

/** `GET /ready`. */
export function ready(call: RouteCall): void {
  sendJson(call.res, 200, { ready: true, error: null }, call.ctx);
}
