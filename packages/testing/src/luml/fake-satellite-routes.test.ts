import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

type Json = Record<string, unknown> & { detail?: unknown };

let clock: Date;
let platform: FakeLumlPlatform;
let token: string;
let satelliteId: string;

const call = async (
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = token,
): Promise<{ status: number; body: Json & Json[]; text: string; headers: Headers }> => {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = `Bearer ${auth}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${platform.url}${path}`, init);
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.startsWith('application/json');
  return {
    status: res.status,
    body: isJson ? JSON.parse(text) : undefined,
    text,
    headers: res.headers,
  };
};

beforeEach(async () => {
  clock = new Date('2026-08-17T15:00:00.000Z');
  platform = await startFakeLumlPlatform({ now: () => clock });
  ({
    token,
    satellite: { id: satelliteId },
  } = platform.createSatellite({ name: 'edge-docker-01' }));
  platform.uploadArtifact({ bytes: 'weights' });
});
afterEach(() => platform.close());

const tick = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

describe('POST /satellites/v1/pair', () => {
  const pair = {
    base_url: 'http://localhost',
    capabilities: { deploy: { version: 1 }, monitoring: null },
  };

  it('pairs, normalises a bare host with a trailing slash and touches last_seen_at', async () => {
    expect(platform.getSatellite(satelliteId)?.status).toBe('inactive');
    const r = await call('POST', '/satellites/v1/pair', { ...pair, slug: 'docker-2026.01' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: satelliteId,
      paired: true,
      base_url: 'http://localhost/',
      slug: 'docker-2026.01',
      status: 'active',
      capabilities: { deploy: { version: 1 }, monitoring: null },
      last_seen_at: clock.toISOString(),
    });
    const again = await call('POST', '/satellites/v1/pair', {
      ...pair,
      base_url: 'https://edge.example/sat',
    });
    expect(again.body.base_url).toBe('https://edge.example/sat');
    expect(again.body.slug).toBeNull();
  });

  it('answers 400 for an empty capability map and 422 for a foreign key or a bad URL', async () => {
    expect(await call('POST', '/satellites/v1/pair', { ...pair, capabilities: {} })).toMatchObject({
      status: 400,
      body: { detail: 'Invalid capabilities' },
    });
    const badKey = await call('POST', '/satellites/v1/pair', {
      ...pair,
      capabilities: { gpu: {} },
    });
    expect(badKey.status).toBe(422);
    expect(badKey.body.detail).toEqual([
      expect.objectContaining({ type: 'enum', loc: ['body', 'capabilities', 'gpu', '[key]'] }),
    ]);
    const badUrl = await call('POST', '/satellites/v1/pair', { ...pair, base_url: 'ftp://x' });
    expect(badUrl.body.detail).toEqual([
      expect.objectContaining({ type: 'url_scheme', loc: ['body', 'base_url'] }),
    ]);
    const notUrl = await call('POST', '/satellites/v1/pair', { ...pair, base_url: 'localhost' });
    expect(notUrl.body.detail).toEqual([expect.objectContaining({ type: 'url_parsing' })]);
    const missing = await call('POST', '/satellites/v1/pair', {});
    expect(missing.body.detail).toEqual([
      expect.objectContaining({ type: 'missing', loc: ['body', 'base_url'] }),
      expect.objectContaining({ type: 'missing', loc: ['body', 'capabilities'] }),
    ]);
  });

  it('answers 422 for malformed JSON, a missing body and a non-object body', async () => {
    const bad = await call('POST', '/satellites/v1/pair', '{"base_url": ');
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([
      expect.objectContaining({ type: 'json_invalid', loc: ['body', 0] }),
    ]);
    const none = await call('POST', '/satellites/v1/pair');
    expect(none.body.detail).toEqual([expect.objectContaining({ type: 'missing', loc: ['body'] })]);
    const list = await call('POST', '/satellites/v1/pair', [1]);
    expect(list.body.detail).toEqual([expect.objectContaining({ type: 'model_attributes_type' })]);
  });

  it('derives status error after 20 minutes of silence, and any call is a heartbeat', async () => {
    await call('POST', '/satellites/v1/pair', pair);
    tick(21 * 60_000);
    expect(platform.getSatellite(satelliteId)?.status).toBe('error');
    // Even a request that fails validation authenticates first, so it is a heartbeat.
    expect((await call('GET', '/satellites/v1/tasks?status=bogus')).status).toBe(422);
    expect(platform.getSatellite(satelliteId)).toMatchObject({
      status: 'active',
      last_seen_at: clock.toISOString(),
    });
  });
});

describe('tasks', () => {
  it('lists this satellite’s tasks in scheduled_at order and filters by status', async () => {
    const other = platform.createSatellite();
    const late = platform.enqueueTask({
      satelliteId,
      type: 'deploy',
      scheduledAt: '2026-08-17T16:00:00.000Z',
    });
    const early = platform.enqueueTask({
      satelliteId,
      type: 'undeploy',
      scheduledAt: '2026-08-17T14:00:00.000Z',
    });
    const done = platform.enqueueTask({ satelliteId, type: 'deploy', status: 'done' });
    platform.enqueueTask({ satelliteId: other.satellite.id, type: 'deploy' });
    const all = await call('GET', '/satellites/v1/tasks');
    expect(all.body.map((t) => t.id)).toEqual([early.id, done.id, late.id]);
    const pending = await call('GET', '/satellites/v1/tasks?status=pending');
    expect(pending.body.map((t) => t.id)).toEqual([early.id, late.id]);
    const bad = await call('GET', '/satellites/v1/tasks?status=completed');
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([
      expect.objectContaining({ type: 'enum', loc: ['query', 'status'], input: 'completed' }),
    ]);
    // A repeated scalar parameter: the last value wins, as in Starlette.
    const repeated = await call('GET', '/satellites/v1/tasks?status=pending&status=done');
    expect(repeated.body.map((t) => t.id)).toEqual([done.id]);
  });

  it('sets started_at on running and finished_at on done/failed, accepting any transition', async () => {
    const task = platform.enqueueTask({ satelliteId, type: 'deploy' });
    const path = `/satellites/v1/tasks/${task.id}/status`;
    tick(1000);
    const running = await call('POST', path, { status: 'running' });
    expect(running.body).toMatchObject({
      status: 'running',
      started_at: clock.toISOString(),
      finished_at: null,
      result: {},
    });
    tick(1000);
    const done = await call('POST', path, {
      status: 'done',
      result: { inference_url: '/deployments/x' },
    });
    expect(done.body).toMatchObject({
      status: 'done',
      finished_at: clock.toISOString(),
      result: { inference_url: '/deployments/x' },
    });
    // result null leaves the stored result; done -> running is accepted (no transition rules).
    const back = await call('POST', path, { status: 'running', result: null });
    expect(back.body).toMatchObject({
      status: 'running',
      result: { inference_url: '/deployments/x' },
    });
    expect(platform.tasks[0]?.status).toBe('running');
  });

  it('answers 404 for another satellite’s task, 422 for a non-UUID id or a bad body', async () => {
    const other = platform.createSatellite();
    const foreign = platform.enqueueTask({ satelliteId: other.satellite.id, type: 'deploy' });
    expect(
      await call('POST', `/satellites/v1/tasks/${foreign.id}/status`, { status: 'running' }),
    ).toMatchObject({
      status: 404,
      body: { detail: 'Task not found' },
    });
    expect(foreign.status).toBe('pending');
    const bad = await call('POST', '/satellites/v1/tasks/None/status', {
      status: 'completed',
      result: 'x',
    });
    expect(bad.status).toBe(422);
    expect((bad.body as { detail: { loc: unknown }[] }).detail.map((d) => d.loc)).toEqual([
      ['path', 'task_id'],
      ['body', 'status'],
      ['body', 'result'],
    ]);
    // A compact UUID is accepted and normalised, as pydantic does.
    const mine = platform.enqueueTask({ satelliteId, type: 'deploy' });
    const compact = await call(
      'POST',
      `/satellites/v1/tasks/${mine.id.replaceAll('-', '').toUpperCase()}/status`,
      { status: 'failed' },
    );
    expect(compact.body).toMatchObject({ id: mine.id, status: 'failed' });
  });

  it('answers 422, not a crash, for ids with malformed percent-escapes, and counts the call', async () => {
    for (const id of ['%ZZ', '%E0%A4%A', '%']) {
      const res = await call('GET', `/satellites/v1/deployments/${id}`);
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([
        expect.objectContaining({ type: 'uuid_parsing', loc: ['path', 'deployment_id'] }),
      ]);
    }
    expect(platform.calls['GET /satellites/v1/deployments/{deployment_id}']).toBe(3);
  });
});
