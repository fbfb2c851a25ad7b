import { parseWire } from '@uplink/core-schemas';
import {
  AgentInfoSchema,
  AgentListSchema,
  ErrorDetailSchema,
  ExecutionListSchema,
  FlowDefinitionSchema,
  FlowListSchema,
  HealthSchema,
  MetricsSchema,
  StatusSchema,
  UserSchema,
  ZERO_EXECUTION_ID,
} from '@uplink/core-schemas/ai-spine';
import { describe, expect, onTestFinished, test } from 'vitest';
import { startFakeAiSpine } from './fake-ai-spine.js';
import type { FakeAiSpineOptions } from './fake-ai-spine-types.js';

async function spine(options: FakeAiSpineOptions = {}) {
  const fake = await startFakeAiSpine(options);
  onTestFinished(() => fake.close());
  return fake;
}

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

async function call(
  url: string,
  init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    redirect: 'manual',
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

const agentBody = {
  agent_id: 'my-agent',
  name: 'My Agent',
  description: 'does X',
  endpoint: 'https://my-agent.example.com',
  capabilities: ['conversation'],
  agent_type: 'processor',
  is_active: true,
};

describe('system routes', () => {
  test('health, metrics and status exist at the root only and match the schemas', async () => {
    const fake = await spine({ startupComplete: false });
    const health = await call(`${fake.url}/health`);
    expect(health.status).toBe(200);
    const h = parseWire(HealthSchema, health.json);
    expect(h).toMatchObject({ status: 'healthy', startup_complete: false });
    expect(Math.abs(h.timestamp - Date.now() / 1000)).toBeLessThan(60);

    const metrics = parseWire(MetricsSchema, (await call(`${fake.url}/metrics`)).json);
    expect(metrics).toMatchObject({ total_executions: 0, cancelled_executions: 0 });
    expect(metrics.last_execution).toBeNull();

    fake.registerAgent({ agent_id: 'a', endpoint: 'http://127.0.0.1:9', is_active: false });
    const status = parseWire(StatusSchema, (await call(`${fake.url}/status`)).json);
    expect(status).toMatchObject({ status: 'operational', agents: { total: 1, active: 0 } });
    expect(status.flows.total).toBe(1);

    expect((await call(`${fake.url}/api/v1/health`)).status).toBe(404);
  });

  test('unknown paths are 404, wrong methods 405 with Allow, trailing slashes redirect', async () => {
    const fake = await spine();
    const missing = await call(`${fake.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: 'Not Found' });

    const wrong = await call(`${fake.url}/api/v1/agents/test`, { method: 'POST', body: {} });
    expect(wrong.status).toBe(405);
    expect(wrong.json).toEqual({ detail: 'Method Not Allowed' });
    expect(wrong.headers.get('allow')).toBe('GET, DELETE');

    const put = await call(`${fake.url}/api/v1/executions/x/cancel`);
    expect(put.status).toBe(405);

    const slash = await call(`${fake.url}/api/v1/flows/?a=1`);
    expect(slash.status).toBe(307);
    expect(slash.headers.get('location')).toBe('/api/v1/flows?a=1');
    expect(fake.calls['GET /health']).toBeUndefined();
  });

  test('current user is synthetic for the master key and real for a user key', async () => {
    const fake = await spine({ apiKeyRequired: true, users: [{ apiKey: 'sk_user', id: 'u1' }] });
    const master = await call(`${fake.url}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(parseWire(UserSchema, master.json)).toMatchObject({ id: 'master', credits: 999999 });
    const user = await call(`${fake.url}/api/v1/users/me`, {
      headers: { authorization: 'Bearer sk_user' },
    });
    expect(user.json).toMatchObject({ id: 'u1', email: 'u1@example.com', credits: 100 });
    expect(JSON.stringify(user.json)).not.toContain('sk_user');
    const none = await call(`${fake.url}/api/v1/users/me`);
    expect(none.status).toBe(401);
  });
});

describe('flows', () => {
  test('list wrappers differ between root and /api/v1; get and 404', async () => {
    const fake = await spine();
    const v1 = await call(`${fake.url}/api/v1/flows`);
    const list = parseWire(FlowListSchema, v1.json);
    expect(list.count).toBe(1);
    expect(list.user_id).toBeNull();
    expect(list.flows[0]?.flow_id).toBe('credit_analysis');
    const root = await call(`${fake.url}/flows`);
    expect(root.json).toMatchObject({ count: 1 });
    expect(root.json).not.toHaveProperty('user_id');

    const flow = await call(`${fake.url}/api/v1/flows/credit_analysis`);
    expect(parseWire(FlowDefinitionSchema, flow.json).nodes.map((n) => n.id)).toEqual([
      'zoe',
      'eddie',
      'result',
    ]);
    const unknown = await call(`${fake.url}/api/v1/flows/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ detail: "Flow 'nope' not found" });
  });

  test('addFlow applies defaults and rejects broken graphs', async () => {
    const fake = await spine({ bundledFlows: false });
    expect((await call(`${fake.url}/flows`)).json).toEqual({ flows: [], count: 0 });
    const flow = fake.addFlow({
      flow_id: 'f',
      name: 'F',
      description: 'd',
      entry_point: 'a',
      nodes: [{ id: 'a', type: 'input', agent_id: 'a' }],
    });
    expect(flow).toMatchObject({ version: '1.0.0', exit_points: [], metadata: {} });
    expect(() =>
      fake.addFlow({
        flow_id: 'cyclic',
        name: 'C',
        description: 'd',
        entry_point: 'a',
        nodes: [
          { id: 'a', type: 'input', depends_on: ['b'] },
          { id: 'b', type: 'output', depends_on: ['a'] },
        ],
      }),
    ).toThrow(/cycle/);
    expect(() =>
      fake.addFlow({
        flow_id: 'x',
        name: 'X',
        description: 'd',
        entry_point: 'zz',
        exit_points: ['yy'],
        nodes: [{ id: 'a', type: 'input', depends_on: ['q'] }],
      }),
    ).toThrow(/3 problems/);
    expect(fake.flows.has('cyclic')).toBe(false);
  });
});

describe('auth (API_KEY_REQUIRED=true)', () => {
  test('root key routes answer 401 with WWW-Authenticate; /api/v1 routes never check', async () => {
    const fake = await spine({
      apiKeyRequired: true,
      users: [
        { apiKey: 'sk_good', credits: 5 },
        { apiKey: 'sk_broke', credits: 0 },
      ],
      legacyKeys: ['ai-spine-legacy'],
    });
    const execute = (headers: Record<string, string> = {}, prefix = '') =>
      call(`${fake.url}${prefix}/flows/execute`, {
        method: 'POST',
        body: { flow_id: 'nope', input_data: {} },
        headers,
      });
    const missing = await execute();
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ detail: 'Missing API key' });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await execute({ authorization: `Basic ${fake.apiKey}` })).json).toEqual({
      detail: 'Missing API key',
    });
    const invalid = await execute({ authorization: 'Bearer sk_unknown' });
    expect(invalid.status).toBe(401);
    expect(invalid.json).toEqual({ detail: 'Invalid API key' });
    expect(invalid.headers.get('www-authenticate')).toBe('Bearer');
    // No credits is an invalid key (401), never 403.
    expect((await execute({ authorization: 'Bearer sk_broke' })).status).toBe(401);
    expect((await execute({ authorization: 'Bearer sk_good' })).status).toBe(200);
    expect((await execute({ authorization: `Bearer ${fake.apiKey}` })).status).toBe(200);
    expect((await execute({ authorization: 'bearer ai-spine-legacy' })).status).toBe(200);
    expect((await execute({}, '/api/v1')).status).toBe(200);
    // "optional" routes never reject.
    expect((await call(`${fake.url}/flows`)).status).toBe(200);
    expect((await call(`${fake.url}/agents`)).status).toBe(200);

    fake.apiKeyRequired = false;
    expect((await execute({ authorization: 'Bearer whatever' })).status).toBe(200);
    expect(fake.calls['POST /flows/execute']).toBe(8);
    expect(fake.calls['POST /api/v1/flows/execute']).toBe(1);
  });

  test('GET /api/v1/agents filters by caller', async () => {
    const fake = await spine({ apiKeyRequired: true, users: [{ apiKey: 'sk_u' }] });
    fake.registerAgent({ agent_id: 'zoe', endpoint: 'http://127.0.0.1:9' });
    const anonymous = parseWire(AgentListSchema, (await call(`${fake.url}/api/v1/agents`)).json);
    expect(anonymous).toMatchObject({ count: 1, authenticated: false });
    const master = await call(`${fake.url}/api/v1/agents`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(master.json).toEqual({ agents: [], count: 0, authenticated: true });
    const user = await call(`${fake.url}/api/v1/agents`, {
      headers: { authorization: 'Bearer sk_u' },
    });
    expect(user.status).toBe(500);
    expect(parseWire(ErrorDetailSchema, user.json).detail).toEqual(expect.any(String));
    const root = await call(`${fake.url}/agents`, { headers: { authorization: 'Bearer x' } });
    expect(root.json).toMatchObject({ count: 1 });
    expect(root.json).not.toHaveProperty('authenticated');
  });
});

describe('execute validation (422) and the unknown-flow quirk', () => {
  test('422 shapes follow FastAPI', async () => {
    const fake = await spine();
    const url = `${fake.url}/api/v1/flows/execute`;
    const missing = await call(url, { method: 'POST', body: { flow_id: 'x' } });
    expect(missing.status).toBe(422);
    expect(missing.json).toEqual({
      detail: [
        {
          type: 'missing',
          loc: ['body', 'input_data'],
          msg: 'Field required',
          input: { flow_id: 'x' },
        },
      ],
    });
    const bad = await call(url, {
      method: 'POST',
      body: { flow_id: 3, input_data: [], metadata: 'm', priority: 11, timeout: 1.5, user_id: 1 },
    });
    const detail = parseWire(ErrorDetailSchema, bad.json).detail;
    expect(Array.isArray(detail) && detail.map((d) => `${d.loc.join('.')}:${d.type}`)).toEqual([
      'body.flow_id:string_type',
      'body.input_data:dict_type',
      'body.metadata:dict_type',
      'body.user_id:string_type',
      'body.priority:less_than_equal',
      'body.timeout:int_from_float',
    ]);
    const low = await call(url, {
      method: 'POST',
      body: { flow_id: 'x', input_data: {}, priority: -1 },
    });
    expect(low.json).toMatchObject({ detail: [{ type: 'greater_than_equal', ctx: { ge: 0 } }] });
    const str = await call(url, {
      method: 'POST',
      body: { flow_id: 'x', input_data: {}, priority: 'a' },
    });
    expect(str.json).toMatchObject({ detail: [{ type: 'int_type', loc: ['body', 'priority'] }] });
    const json = await call(url, { method: 'POST', raw: '{"flow_id": ' });
    expect(json.status).toBe(422);
    expect(json.json).toMatchObject({
      detail: [{ type: 'json_invalid', msg: 'JSON decode error' }],
    });
    const empty = await call(url, { method: 'POST', raw: '' });
    expect(empty.json).toMatchObject({ detail: [{ type: 'missing', loc: ['body'] }] });
    const array = await call(url, { method: 'POST', body: [1] });
    expect(array.json).toMatchObject({
      detail: [{ type: 'model_attributes_type', loc: ['body'] }],
    });
    expect(fake.executions.size).toBe(0);
  });

  test('unknown flow: HTTP 200, failed, zero UUID; polling it is 404', async () => {
    const fake = await spine();
    const answer = await call(`${fake.url}/api/v1/flows/execute`, {
      method: 'POST',
      body: { flow_id: 'nope', input_data: {} },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      execution_id: ZERO_EXECUTION_ID,
      status: 'failed',
      result: null,
      error: "Flow 'nope' not found",
      execution_time: null,
    });
    fake.startFailure = 'worker pool exhausted';
    const failedStart = await call(`${fake.url}/flows/execute`, {
      method: 'POST',
      body: { flow_id: 'credit_analysis', input_data: {} },
    });
    expect(failedStart.json).toMatchObject({
      execution_id: ZERO_EXECUTION_ID,
      status: 'failed',
      error: 'Failed to start execution: worker pool exhausted',
    });
    expect(fake.executions.size).toBe(0);
    const poll = await call(`${fake.url}/api/v1/executions/${ZERO_EXECUTION_ID}`);
    expect(poll.status).toBe(404);
    expect(poll.json).toEqual({ detail: `Execution '${ZERO_EXECUTION_ID}' not found` });
  });

  test('execution ids must be UUIDs (422 uuid_parsing), in every execution route', async () => {
    const fake = await spine();
    for (const path of ['/executions/exec-123', '/executions/exec-123/results']) {
      const answer = await call(`${fake.url}/api/v1${path}`);
      expect(answer.status).toBe(422);
      expect(answer.json).toMatchObject({
        detail: [{ type: 'uuid_parsing', loc: ['path', 'execution_id'], input: 'exec-123' }],
      });
    }
    const cancel = await call(`${fake.url}/api/v1/executions/1234/cancel`, { method: 'POST' });
    expect(cancel.json).toMatchObject({
      detail: [{ msg: 'Input should be a valid UUID, invalid group count: expected 5, found 1' }],
    });
    // Simple (32 hex) and upper-case forms are UUIDs too, normalised in the 404 text.
    const simple = await call(`${fake.url}/executions/7B0C1D2E3F404A5B8C6D7E8F9A0B1C2D`);
    expect(simple.json).toEqual({
      detail: "Execution '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d' not found",
    });
    const cancelUnknown = await call(
      `${fake.url}/executions/7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d/cancel`,
      { method: 'POST' },
    );
    expect(cancelUnknown.status).toBe(404);
    expect(cancelUnknown.json).toEqual({
      detail: "Execution '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d' not found or not running",
    });
    const results = await call(
      `${fake.url}/executions/7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d/results`,
    );
    expect(results.status).toBe(404);
  });

  test('list executions: /api/v1 ignores filters, root honours flow_id; bad limit is 422', async () => {
    const fake = await spine({ executionStartDelayMs: 60_000 });
    fake.addFlow({
      flow_id: 'other',
      name: 'O',
      description: 'd',
      entry_point: 'a',
      nodes: [{ id: 'a', type: 'input', agent_id: null }],
    });
    for (const flow_id of ['credit_analysis', 'other', 'other']) {
      await call(`${fake.url}/flows/execute`, {
        method: 'POST',
        body: { flow_id, input_data: {} },
      });
    }
    const v1 = parseWire(
      ExecutionListSchema,
      (await call(`${fake.url}/api/v1/executions?flow_id=other&limit=2`)).json,
    );
    expect(v1).toMatchObject({ count: 2, limit: 2, offset: 0 });
    expect(v1.executions.every((e) => e.status === 'pending')).toBe(true);
    const root = await call(`${fake.url}/executions?flow_id=other`);
    expect(root.json).toMatchObject({ count: 2, flow_id: 'other' });
    const rootAll = await call(`${fake.url}/executions?offset=1`);
    expect(rootAll.json).toMatchObject({ count: 2, flow_id: null });
    const bad = await call(`${fake.url}/api/v1/executions?limit=abc`);
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ detail: [{ type: 'int_parsing', loc: ['query', 'limit'] }] });
    const metrics = parseWire(MetricsSchema, (await call(`${fake.url}/metrics`)).json);
    expect(metrics.total_executions).toBe(3);
    expect(metrics.last_execution).toEqual(expect.any(String));
  });
});

describe('agents', () => {
  test('create (200, no 409), get, delete (200/404), at both prefixes', async () => {
    const fake = await spine();
    const created = await call(`${fake.url}/api/v1/agents`, {
      method: 'POST',
      body: { ...agentBody, metadata: { ignored: true } },
    });
    expect(created.status).toBe(200);
    const agent = parseWire(AgentInfoSchema, created.json);
    expect(agent).toMatchObject({ agent_id: 'my-agent', agent_type: 'processor' });
    expect(agent).not.toHaveProperty('metadata');
    expect(agent.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    const again = await call(`${fake.url}/agents`, {
      method: 'POST',
      body: { ...agentBody, name: 'Renamed', is_active: undefined, capabilities: ['anything'] },
    });
    expect(again.status).toBe(200);
    expect(fake.agents.get('my-agent')).toMatchObject({
      name: 'Renamed',
      is_active: true,
      capabilities: ['anything'],
    });
    expect((await call(`${fake.url}/agents/my-agent`)).json).toMatchObject({ name: 'Renamed' });
    const deleted = await call(`${fake.url}/api/v1/agents/my-agent`, { method: 'DELETE' });
    expect(deleted.json).toEqual({ message: "Agent 'my-agent' unregistered successfully" });
    const gone = await call(`${fake.url}/api/v1/agents/my-agent`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ detail: "Agent 'my-agent' not found" });
    expect((await call(`${fake.url}/api/v1/agents/my-agent`)).status).toBe(404);
  });

  test('bad bodies: 500 with the missing key, 500 pydantic text, 422 for non-objects', async () => {
    const fake = await spine();
    const url = `${fake.url}/api/v1/agents`;
    const { agent_type: _t, ...noType } = agentBody;
    const missing = await call(url, { method: 'POST', body: noType });
    expect(missing.status).toBe(500);
    expect(missing.json).toEqual({ detail: "'agent_type'" });
    const wrongShape = await call(url, {
      method: 'POST',
      body: { name: 'x', type: 'custom', configuration: {} },
    });
    expect(wrongShape.json).toEqual({ detail: "'agent_id'" });
    const custom = await call(url, {
      method: 'POST',
      body: { ...agentBody, agent_type: 'custom' },
    });
    expect(custom.status).toBe(500);
    const text = (custom.json as { detail: string }).detail;
    expect(text.split('\n')).toEqual([
      '1 validation error for AgentInfo',
      'agent_type',
      "  Input should be 'input', 'processor', 'output' or 'conditional' [type=enum, input_value='custom', input_type=str]",
      '    For further information visit https://errors.pydantic.dev/2.11/v/enum',
    ]);
    const caps = await call(url, { method: 'POST', body: { ...agentBody, capabilities: 'x' } });
    expect((caps.json as { detail: string }).detail).toContain('capabilities');
    const name = await call(url, { method: 'POST', body: { ...agentBody, name: 5 } });
    expect((name.json as { detail: string }).detail).toContain('input_type=number');
    const active = await call(url, { method: 'POST', body: { ...agentBody, is_active: 'yes' } });
    expect((active.json as { detail: string }).detail).toContain('bool_type');
    const list = await call(url, { method: 'POST', body: [agentBody] });
    expect(list.status).toBe(422);
    expect(list.json).toMatchObject({ detail: [{ type: 'dict_type', loc: ['body'] }] });
    const broken = await call(url, { method: 'POST', raw: 'nope' });
    expect(broken.status).toBe(422);
    expect(fake.agents.size).toBe(0);
  });
});

describe('fault injection', () => {
  test('the shared injector answers before routing, and can be reconfigured', async () => {
    const fake = await spine({
      faults: { routes: { 'GET /api/v1/flows': { serverError: 1, serverErrorStatus: 502 } } },
    });
    const faulted = await call(`${fake.url}/api/v1/flows`);
    expect(faulted.status).toBe(502);
    expect(fake.faults.stats.serverError).toBe(1);
    expect((await call(`${fake.url}/flows`)).status).toBe(200);
    fake.faults.configure({});
    expect((await call(`${fake.url}/api/v1/flows`)).status).toBe(200);
    expect(fake.requests.map((r) => r.url)).toEqual(['/api/v1/flows', '/flows', '/api/v1/flows']);
  });
});
