import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAgentSdk, startFakeAgentSdk } from './fake-agent-sdk.js';
import type { FakeAgentSdkOptions } from './options.js';
import { call } from './test-helpers.js';

let fake: FakeAgentSdk | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
const start = async (options: FakeAgentSdkOptions = {}): Promise<FakeAgentSdk> => {
  fake = await startFakeAgentSdk(options);
  return fake;
};

describe('paths and headers (docs/protocols/agent-sdk.md §1.1)', () => {
  it('answers bare and under /v1, marking bare non-public paths deprecated', async () => {
    const f = await start();
    const v1 = await call(f, '/v1/sessions');
    expect(v1.status).toBe(200);
    expect(v1.headers.get('x-api-version')).toBe('v1');
    expect(v1.headers.get('x-api-deprecated')).toBeNull();
    const bare = await call(f, '/sessions');
    expect(bare.status).toBe(200);
    expect(bare.headers.get('x-api-version')).toBe('v1');
    expect(bare.headers.get('x-api-deprecated')).toBe('Use /v1 prefix for API requests');
    const health = await call(f, '/health', { key: null });
    expect(health.json).toEqual({ status: 'healthy', version: '0.1.0' });
    expect(health.headers.get('x-api-deprecated')).toBeNull();
    expect((await call(f, '/v1/ready', { key: null })).json).toEqual({ ready: true, error: null });
    const unknown = await call(f, '/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('{"detail":"Not Found"}');
    expect(unknown.headers.get('x-api-deprecated')).toBe('Use /v1 prefix for API requests');
    const wrongMethod = await call(f, '/v1/sessions', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(f.state.calls['GET /sessions']).toBe(2);
  });

  it('echoes X-Request-Id and X-Trace-Id, generating req_<16 hex> when absent', async () => {
    const f = await start();
    const given = await call(f, '/v1/sessions', { headers: { 'x-request-id': 'abc-1' } });
    expect(given.headers.get('x-request-id')).toBe('abc-1');
    expect(given.headers.get('x-trace-id')).toBe('abc-1');
    const both = await call(f, '/v1/sessions', {
      headers: { 'x-request-id': 'r', 'x-trace-id': 't' },
    });
    expect(both.headers.get('x-trace-id')).toBe('t');
    const generated = await call(f, '/v1/sessions');
    expect(generated.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{16}$/);
  });
});

describe('auth (docs/protocols/agent-sdk.md §1.2)', () => {
  it('the key middleware guards bare /run, /sessions, /tools with a hint and none of the usual headers', async () => {
    const f = await start();
    for (const path of ['/run', '/sessions', '/tools', '/run/x/events']) {
      const missing = await call(f, path, { key: null });
      expect(missing.status, path).toBe(401);
      expect(missing.json).toEqual({
        detail: 'Missing API key in X-API-Key header',
        hint: 'Set API_KEY env var or pass X-API-Key header.',
      });
      expect(missing.headers.get('x-api-version')).toBeNull();
      expect(missing.headers.get('x-request-id')).toBeNull();
      expect(missing.headers.get('x-trace-id')).toBeNull();
    }
    const invalid = await call(f, '/sessions', { key: 'wrong' });
    expect(invalid.json).toEqual({
      detail: 'Invalid API key',
      hint: 'Ensure X-API-Key matches the API_KEY env var.',
    });
  });

  it('elsewhere the route dependency answers: no hint, usual headers', async () => {
    const f = await start();
    for (const [path, body] of [
      ['/v1/run', { task: 't' }],
      ['/channels/webhook', { message: 'm' }],
      ['/devices/register', { name: 'n' }],
      ['/v1/sessions', undefined],
    ] as const) {
      const missing = await call(f, path, { key: null, body });
      expect(missing.status, path).toBe(401);
      expect(missing.json).toEqual({ detail: 'Missing API key in X-API-Key header' });
      expect(missing.headers.get('x-api-version')).toBe('v1');
      expect(missing.headers.get('x-request-id')).toMatch(/^req_/);
      expect((await call(f, path, { key: 'wrong', body })).json).toEqual({
        detail: 'Invalid API key',
      });
    }
  });

  it('checks scopes per route (viewer keys read, do not write)', async () => {
    const f = await start({ apiKeys: ['dev', { key: 'viewer', role: 'viewer' }] });
    expect((await call(f, '/v1/run', { key: 'viewer', body: { task: 't' } })).json).toEqual({
      detail: 'Forbidden',
    });
    expect((await call(f, '/v1/sessions', { key: 'viewer' })).status).toBe(200);
    expect(
      (await call(f, '/v1/devices/register', { key: 'viewer', body: { name: 'n' } })).status,
    ).toBe(403);
  });

  it('applies the org rules: creating routes take the key org, read routes only X-Org-Id', async () => {
    const f = await start({ apiKeys: [{ key: 'acme-key', orgId: 'acme' }] });
    const created = await call(f, '/v1/run', { key: 'acme-key', body: { task: 't' } });
    const runId = (created.json as { result: { run_id: string } }).result.run_id;
    expect(f.state.runs.get(runId)?.record.org_id).toBe('acme');
    expect((await call(f, `/v1/run/${runId}`, { key: 'acme-key' })).json).toEqual({
      detail: 'Forbidden',
    });
    const read = await call(f, `/v1/run/${runId}`, {
      key: 'acme-key',
      headers: { 'x-org-id': 'acme' },
    });
    expect(read.status).toBe(200);
    const other = await call(f, '/v1/run', {
      key: 'acme-key',
      body: { task: 't' },
      headers: { 'x-org-id': 'beta' },
    });
    const otherId = (other.json as { result: { run_id: string } }).result.run_id;
    expect(f.state.runs.get(otherId)?.record.org_id).toBe('beta');
  });

  it('applies the project rules: scoped keys must match, unknown projects are 404', async () => {
    const f = await start({ apiKeys: ['k', { key: 'scoped', projectId: 'proj_a' }] });
    expect(
      (
        await call(f, '/v1/run', {
          key: 'scoped',
          body: { task: 't' },
          headers: { 'x-project-id': 'proj_b' },
        })
      ).json,
    ).toEqual({ detail: 'Project scope mismatch' });
    expect(
      (
        await call(f, '/v1/run', {
          body: { task: 't' },
          headers: { 'x-project-id': 'proj_missing' },
        })
      ).json,
    ).toEqual({ detail: 'Project not found' });
    const ok = await call(f, '/v1/run', { key: 'scoped', body: { task: 't' } });
    const runId = (ok.json as { result: { run_id: string } }).result.run_id;
    expect(f.state.runs.get(runId)?.record.tags).toEqual({
      project_id: 'proj_a',
      api_key_fingerprint: createHash('sha256').update('scoped').digest('hex').slice(0, 12),
    });
  });

  it('JWT mode: a signed Bearer works on /v1; bad signatures and the bare middleware refuse', async () => {
    const f = await start({ jwtSecret: 's3cret' });
    const token = f.signJwt({ sub: 'user-1', role: 'developer', org_id: 'acme' });
    const headers = { authorization: `Bearer ${token}` };
    const ok = await call(f, '/v1/run', { key: null, headers, body: { task: 't' } });
    expect(ok.status).toBe(200);
    const runId = (ok.json as { result: { run_id: string } }).result.run_id;
    expect(f.state.runs.get(runId)?.record.org_id).toBe('acme');
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(
      (
        await call(f, '/v1/run', {
          key: null,
          headers: { authorization: `Bearer ${forged}` },
          body: { task: 't' },
        })
      ).json,
    ).toEqual({ detail: 'Invalid JWT signature' });
    const expired = f.signJwt({ sub: 'u', exp: Math.floor(Date.now() / 1000) - 10 });
    expect(
      (
        await call(f, '/v1/sessions', {
          key: null,
          headers: { authorization: `Bearer ${expired}` },
        })
      ).json,
    ).toEqual({ detail: 'JWT expired' });
    expect((await call(f, '/run', { key: null, headers, body: { task: 't' } })).json).toMatchObject(
      {
        detail: 'Missing API key in X-API-Key header',
      },
    );
  });

  it('rate limits per key and enforces quotas', async () => {
    const f = await start({
      apiKeys: [{ key: 'slow', rateLimitPerMinute: 2 }],
      quotas: { default: { maxRuns: 1 } },
    });
    expect((await call(f, '/v1/sessions', { key: 'slow' })).status).toBe(200);
    expect((await call(f, '/v1/run', { key: 'slow', body: { task: 't' } })).status).toBe(200);
    expect((await call(f, '/v1/sessions', { key: 'slow' })).json).toEqual({
      detail: 'Rate limit exceeded',
    });
    const g = await startFakeAgentSdk({ quotas: { default: { maxRuns: 1 } } });
    try {
      expect((await call(g, '/v1/run', { body: { task: 't' } })).status).toBe(200);
      expect((await call(g, '/v1/run/stream', { body: { task: 't' } })).json).toEqual({
        detail: 'Quota exceeded: org_run_quota_exceeded',
      });
    } finally {
      await g.close();
    }
  });
});

describe('POST /run (docs/protocols/agent-sdk.md §1.5)', () => {
  it('is synchronous, answers execution_time_ms as 0.0 and records no events', async () => {
    const f = await start();
    const res = await call(f, '/v1/run', {
      body: { task: '  Summarise  ', tags: { team: 'a' }, lineage: { ticket: 'T-1' } },
      headers: { 'x-request-id': 'rq-1' },
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('"execution_time_ms":0.0');
    const body = res.json as {
      status: string;
      result: {
        run_id: string;
        session_id: string;
        messages: { role: string; metadata: { type: string } }[];
      };
    };
    expect(body.status).toBe('success');
    expect(body.result.messages.map((m) => [m.role, m.metadata.type])).toEqual([
      ['agent', 'plan'],
      ['agent', 'execution_step'],
    ]);
    const runId = body.result.run_id;
    expect(runId).toMatch(/^run_[0-9a-f]{32}$/);
    expect(body.result.session_id).toMatch(/^sess_[0-9a-f]{32}$/);
    expect((await call(f, `/v1/run/${runId}/events`)).json).toEqual({ detail: 'Run not found' });
    expect((await call(f, `/v1/run/${runId}/events/replay`)).json).toEqual({
      events: [],
      count: 0,
    });
    const record = (await call(f, `/v1/run/${runId}`)).json as Record<string, unknown>;
    expect(record).toMatchObject({
      status: 'completed',
      model: 'mock',
      started_at: null,
      ended_at: null,
      tags: { team: 'a' },
      metadata: { request_id: 'rq-1', trace_id: 'rq-1', lineage: { ticket: 'T-1' } },
    });
    expect(Object.keys(record)).toEqual([
      'run_id',
      'session_id',
      'agent_id',
      'org_id',
      'status',
      'model',
      'created_at',
      'started_at',
      'ended_at',
      'tags',
      'metadata',
    ]);
    expect((record.metadata as { token_count: number }).token_count).toBeGreaterThan(0);
    expect(record.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  });

  it('replays a cached success for the same key: any task, any org, either path; validation first', async () => {
    const f = await start();
    const key = { 'idempotency-key': 'k-1' };
    const first = await call(f, '/v1/run', { body: { task: 'one' }, headers: key });
    const again = await call(f, '/run', {
      body: { task: 'two' },
      headers: { ...key, 'x-org-id': 'other' },
    });
    expect(again.text).toBe(first.text);
    expect(f.state.runs.size).toBe(1);
    const blank = await call(f, '/v1/run', { body: { task: ' ' }, headers: key });
    expect(blank.status).toBe(422);
  });

  it('does not cache failures, and runs concurrent requests with one key twice', async () => {
    let fail = true;
    const f = await start({
      failTask: () => (fail ? 'model unavailable' : undefined),
      runDelayMs: 20,
    });
    const key = { 'idempotency-key': 'k-2' };
    const failed = await call(f, '/v1/run', { body: { task: 't' }, headers: key });
    expect(failed.status).toBe(500);
    expect(failed.json).toEqual({
      detail:
        'Task execution failed: model unavailable Hint: Review logs for stack trace and configuration issues.',
    });
    const failedRun = [...f.state.runs.values()][0];
    expect(failedRun?.record.status).toBe('running');
    fail = false;
    const [a, b] = await Promise.all([
      call(f, '/v1/run', { body: { task: 't' }, headers: key }),
      call(f, '/v1/run', { body: { task: 't' }, headers: key }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.text).not.toBe(b.text);
    expect(f.state.runs.size).toBe(3);
  });

  it('reports validation problems in pydantic 2 shape', async () => {
    const f = await start();
    const detail = async (init: { body?: unknown; raw?: string }) =>
      ((await call(f, '/v1/run', init)).json as { detail: unknown[] }).detail;
    expect(await detail({ body: { task: '  ' } })).toEqual([
      {
        type: 'value_error',
        loc: ['body', 'task'],
        msg: 'Value error, Task cannot be empty',
        input: '  ',
        ctx: { error: {} },
      },
    ]);
    expect(await detail({ body: { timeout: 30 } })).toEqual([
      { type: 'missing', loc: ['body', 'task'], msg: 'Field required', input: { timeout: 30 } },
    ]);
    expect(await detail({ body: { task: 't', timeout: 0 } })).toEqual([
      {
        type: 'greater_than_equal',
        loc: ['body', 'timeout'],
        msg: 'Input should be greater than or equal to 1',
        input: 0,
        ctx: { ge: 1 },
      },
    ]);
    expect(await detail({ body: { task: 't', timeout: 3601, tags: { a: 1 } } })).toHaveLength(2);
    expect(await detail({ body: { task: '' } })).toMatchObject([
      { type: 'string_too_short', ctx: { min_length: 1 } },
    ]);
    expect(await detail({ body: { task: 'x'.repeat(10001) } })).toMatchObject([
      { type: 'string_too_long' },
    ]);
    expect(await detail({ body: ['task'] })).toMatchObject([
      { type: 'model_attributes_type', loc: ['body'] },
    ]);
    const bad = await detail({ raw: '{"task": }' });
    expect(bad).toEqual([
      {
        type: 'json_invalid',
        loc: ['body', 9],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: 'Expecting value' },
      },
    ]);
    expect(await detail({ raw: '' })).toEqual([
      { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
    ]);
  });
});

describe('reads (docs/protocols/agent-sdk.md §1.6, §1.9)', () => {
  it('replays with inclusive from_seq, then limit (Python slicing for negative limits)', async () => {
    const f = await start();
    const res = await call(f, '/v1/channels/webhook', { body: { message: 'm' } });
    const runId = (res.json as { run_id: string }).run_id;
    const seqs = async (query: string) =>
      (
        (await call(f, `/v1/run/${runId}/events/replay${query}`)).json as {
          events: { seq: number }[];
        }
      ).events.map((e) => e.seq);
    expect(await seqs('')).toEqual([0, 1, 2, 3]);
    expect(await seqs('?from_seq=1&limit=2')).toEqual([1, 2]);
    expect(await seqs('?from_seq=3')).toEqual([3]);
    expect(await seqs('?limit=0')).toEqual([]);
    expect(await seqs('?limit=-1')).toEqual([0, 1, 2]);
    const replay = await call(f, `/v1/run/${runId}/events/replay?from_seq=1`);
    expect(replay.text.startsWith('{"events":[{"run_id":')).toBe(true);
    expect((await call(f, `/v1/run/${runId}/events/replay?from_seq=abc`)).json).toEqual({
      detail: [
        {
          type: 'int_parsing',
          loc: ['query', 'from_seq'],
          msg: 'Input should be a valid integer, unable to parse string as an integer',
          input: 'abc',
        },
      ],
    });
    expect((await call(f, '/v1/run/run_nope/events/replay')).json).toEqual({
      detail: 'Run not found',
    });
    expect(
      (await call(f, `/v1/run/${runId}/events/replay`, { headers: { 'x-org-id': 'x' } })).json,
    ).toEqual({
      detail: 'Forbidden',
    });
  });

  it('lists sessions newest first with limit applied before the org filter', async () => {
    const f = await start();
    await call(f, '/v1/channels/webhook', {
      body: { message: 'a' },
      headers: { 'x-org-id': 'acme' },
    });
    await call(f, '/v1/channels/webhook', {
      body: { message: 'b' },
      headers: { 'x-org-id': 'acme' },
    });
    await call(f, '/v1/channels/webhook', { body: { message: 'c' } });
    await call(f, '/v1/channels/webhook', { body: { message: 'd' } });
    const acme = (await call(f, '/v1/sessions?limit=10', { headers: { 'x-org-id': 'acme' } }))
      .json as { org_id: string }[];
    expect(acme).toHaveLength(2);
    const ids = [...f.state.sessions.keys()];
    expect(acme.map((s) => (s as unknown as { session_id: string }).session_id)).toEqual([
      ids[1],
      ids[0],
    ]);
    expect(
      (await call(f, '/v1/sessions?limit=2', { headers: { 'x-org-id': 'acme' } })).json,
    ).toEqual([]);
    expect((await call(f, '/v1/sessions?limit=2')).json).toHaveLength(2);
    const one = await call(f, `/v1/sessions/${ids[0]}`, { headers: { 'x-org-id': 'acme' } });
    expect(Object.keys(one.json as object)).toEqual([
      'session_id',
      'org_id',
      'user_id',
      'created_at',
      'updated_at',
      'tags',
      'metadata',
    ]);
    expect((await call(f, `/v1/sessions/${ids[0]}`)).json).toEqual({ detail: 'Forbidden' });
    expect((await call(f, '/v1/sessions/sess_missing')).json).toEqual({
      detail: 'Session not found',
    });
  });
});

describe('channels and devices (docs/protocols/agent-sdk.md §1.4)', () => {
  it('continues a session through the web channel, creating unknown ids, recording events', async () => {
    const f = await start();
    const first = await call(f, '/v1/channels/webhook', {
      body: { message: 'hi', session_id: 'sess_custom' },
    });
    expect(first.status).toBe(200);
    const body = first.json as { run_id: string; session_id: string; messages: unknown[] };
    expect(body.session_id).toBe('sess_custom');
    expect(body.messages).toHaveLength(2);
    expect(f.state.sessions.get('sess_custom')?.org_id).toBe('default');
    const events = (await call(f, `/v1/run/${body.run_id}/events/replay`)).json as {
      events: { payload: unknown }[];
    };
    expect(events.events[0]?.payload).toEqual({ channel: 'web', message: 'hi' });
    expect((await call(f, `/v1/run/${body.run_id}`)).json).toMatchObject({
      model: null,
      tags: {},
      metadata: {},
    });
    const again = await call(f, '/v1/channels/webhook', {
      body: { message: 'more', session_id: 'sess_custom', channel: 'web' },
    });
    expect((again.json as { session_id: string }).session_id).toBe('sess_custom');
    expect(f.state.sessions.size).toBe(1);
    expect(
      (await call(f, '/v1/channels/webhook', { body: { message: 'x', channel: 'slack' } })).json,
    ).toEqual({
      detail: 'Unsupported channel',
    });
  });

  it('lets a channel failure escape as a plain-text 500, leaving the run running', async () => {
    const f = await start({ failTask: () => 'boom' });
    const res = await call(f, '/v1/channels/webhook', { body: { message: 'hi' } });
    expect(res.status).toBe(500);
    expect(res.text).toBe('Internal Server Error');
    const run = [...f.state.runs.values()][0];
    expect(run?.record.status).toBe('running');
    expect(run?.history.map((e) => e.seq)).toEqual([0]);
  });

  it('registers and pairs devices; codes may be reused; unknown devices are the same 400', async () => {
    const f = await start();
    const reg = (await call(f, '/v1/devices/register', { body: { name: 'kiosk' } })).json as {
      device_id: string;
      pairing_code: string;
      created_at: string;
    };
    expect(reg.device_id).toMatch(/^dev_[0-9a-f]{16}$/);
    expect(reg.pairing_code).toMatch(/^[0-9a-f]{6}$/);
    const pair = {
      device_id: reg.device_id,
      pairing_code: reg.pairing_code,
      agent_id: 'planner-executor',
    };
    expect((await call(f, '/v1/devices/pair', { body: pair })).json).toEqual({
      status: 'paired',
      device_id: reg.device_id,
      agent_id: 'planner-executor',
    });
    expect((await call(f, '/v1/devices/pair', { body: pair })).status).toBe(200);
    const wrong = reg.pairing_code === 'ffffff' ? '000000' : 'ffffff';
    expect(
      (await call(f, '/v1/devices/pair', { body: { ...pair, pairing_code: wrong } })).json,
    ).toEqual({
      detail: 'Invalid device or pairing code',
    });
    expect(
      (await call(f, '/v1/devices/pair', { body: { ...pair, device_id: 'dev_x' } })).status,
    ).toBe(400);
    expect((await call(f, '/v1/devices/pair', { body: { device_id: 'd' } })).status).toBe(422);
  });
});

describe('faults', () => {
  it('consults the shared seeded injector before routing', async () => {
    const f = await start({
      faults: { seed: 7, routes: { 'GET /v1/sessions': { serverError: 1 } } },
    });
    expect((await call(f, '/v1/sessions')).status).toBe(503);
    expect(f.state.faults.stats.serverError).toBe(1);
    expect((await call(f, '/v1/run', { body: { task: 't' } })).status).toBe(200);
  });

  it('rejects unusable options with every problem listed', async () => {
    await expect(
      startFakeAgentSdk({ liveQueueSize: 0, runDelayMs: -1, apiKeys: [''] }),
    ).rejects.toThrow(/3 problems/);
  });
});
