import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { WaitTimeoutError } from '../src/index.js';
import { clientFor, fakeServer, requestsTo } from './helpers.js';

describe('run (docs/protocols/agent-sdk.md §1.5)', () => {
  it('runs synchronously under /v1 with an Idempotency-Key and an X-Request-Id, and reports both', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake);
    const outcome = await client.run({
      task: 'Summarise the open incidents',
      timeout: 60,
      tags: { team: 'ops' },
    });
    expect(outcome.runId).toMatch(/^run_[0-9a-f]{32}$/);
    expect(outcome.sessionId).toMatch(/^sess_/);
    expect(outcome.messages.map((m) => m.role)).toEqual(['agent', 'agent']);
    expect(outcome.status).toBe('success');
    expect(outcome.executionTimeMs).toBe(0);
    expect(outcome.response.result?.run_id).toBe(outcome.runId);
    const [request] = requestsTo(fake, 'POST', '/run');
    expect(request?.url).toBe('/v1/run');
    expect(request?.headers['idempotency-key']).toBe(outcome.idempotencyKey);
    expect(request?.headers['x-request-id']).toBe(outcome.requestId);
    expect(request?.headers['x-api-key']).toBe(fake.apiKey);
    expect(request?.headers['user-agent']).toMatch(/^uplink-run-client\//);
    expect(request?.headers['x-org-id']).toBeUndefined();
    expect(fake.state.runs.get(outcome.runId)?.record.tags.team).toBe('ops');
  });

  it('retries after a lost response with the same key: one run, the same run id', async () => {
    const fake = await fakeServer();
    let calls = 0;
    const losing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (++calls === 1) {
        await response.arrayBuffer();
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      }
      return response;
    };
    const client = clientFor(fake, { fetch: losing, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const outcome = await client.run({ task: 'once only' }, { idempotencyKey: 'logical-call-1' });
    expect(calls).toBe(2);
    expect(fake.state.runs.size).toBe(1);
    expect([...fake.state.runs.keys()]).toEqual([outcome.runId]);
    const keys = requestsTo(fake, 'POST', '/run').map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual(['logical-call-1', 'logical-call-1']);
    const requestIds = new Set(
      requestsTo(fake, 'POST', '/run').map((r) => r.headers['x-request-id']),
    );
    expect(requestIds.size).toBe(1);
  });

  it('with every response cut, every retry hits the cache: one run, then a ConnectionError', async () => {
    const fake = await fakeServer({
      faults: { seed: 1, routes: { 'POST /v1/run': { truncate: 1 } } },
    });
    const client = clientFor(fake, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await client.run({ task: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(fake.state.faults.stats.truncate).toBe(3);
    expect(fake.state.runs.size).toBe(1);
    expect((error as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lost responses (the server ran the task, the answer never came): one run, and the key gets it back', async () => {
    const fake = await fakeServer({
      faults: { seed: 3, routes: { 'POST /v1/run': { lostResponse: 1 } } },
    });
    const client = clientFor(fake, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await client
      .run({ task: 't' }, { idempotencyKey: 'key-lost' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(fake.state.faults.stats.lostResponse).toBe(3);
    expect(fake.state.runs.size).toBe(1);
    fake.state.faults.configure({});
    const outcome = await client.run({ task: 't' }, { idempotencyKey: 'key-lost' });
    expect([...fake.state.runs.keys()]).toEqual([outcome.runId]);
  });

  it('a retry after a 5xx runs the task again (the server caches successes only)', async () => {
    let failures = 1;
    const fake = await fakeServer({ failTask: () => (failures-- > 0 ? 'flaky model' : undefined) });
    const client = clientFor(fake, { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const outcome = await client.run({ task: 't' });
    expect(fake.state.runs.size).toBe(2);
    expect(fake.state.runs.get(outcome.runId)?.record.status).toBe('completed');
  });

  it('checks the request before sending it', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake);
    const error = await client.run({ task: '   ', timeout: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((p) => p.setting)).toEqual([
      'request.task',
      'request.timeout',
    ]);
    expect(() => client.streamRun({ task: 'x'.repeat(10001) })).toThrow(ConfigurationError);
    expect(fake.state.requests).toHaveLength(0);
  });
});

describe('errors (docs/protocols/agent-sdk.md §1.3)', () => {
  it('the key middleware 401 (bare paths): detail and hint, our request id although none came back', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake, { basePath: '', apiKey: 'wrong-key' });
    const error = await client.run({ task: 't' }, { requestId: 'rq-401' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const auth = error as AuthenticationError;
    expect(auth.status).toBe(401);
    expect(auth.message).toBe(
      'HTTP 401 on POST /run: Invalid API key (hint: Ensure X-API-Key matches the API_KEY env var.)',
    );
    expect(auth.requestId).toBe('rq-401');
    expect(auth.headers['x-request-id']).toBeUndefined();
    expect(auth.url).toBe(`${fake.url}/run`);
    expect(auth.method).toBe('POST');
  });

  it('the route dependency 401 (/v1): detail only, the echoed request id', async () => {
    const fake = await fakeServer();
    const error = await clientFor(fake, { apiKey: 'wrong-key' })
      .getRun('run_x', { requestId: 'rq-echo' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe('HTTP 401 on GET /v1/run/run_x: Invalid API key');
    expect((error as AuthenticationError).requestId).toBe('rq-echo');
  });

  it('maps every status to its class, with the hint inside detail kept and validation lists summarised', async () => {
    const fake = await fakeServer({ quotas: { capped: { maxRuns: 0 } } });
    const client = clientFor(fake);
    expect(await client.getRun('run_missing').catch((e: unknown) => e)).toBeInstanceOf(
      NotFoundError,
    );
    const session = await clientFor(fake, { orgId: 'acme' }).continueSession('sess_x', 'hi');
    const forbidden = await client.getSession(session.session_id).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(PermissionDeniedError);
    expect((forbidden as Error).message).toBe(
      `HTTP 403 on GET /v1/sessions/${session.session_id}: Forbidden`,
    );
    const quota = await clientFor(fake, { orgId: 'capped' })
      .run({ task: 't' }, { idempotencyKey: 'q' })
      .catch((e: unknown) => e);
    expect(quota).toBeInstanceOf(RateLimitError);
    expect((quota as Error).message).toContain('Quota exceeded: org_run_quota_exceeded');
    const pair = await client
      .pairDevice({ deviceId: 'dev_x', pairingCode: 'abc', agentId: 'a' })
      .catch((e: unknown) => e);
    expect(pair).toBeInstanceOf(BadRequestError);
    const replay = await client.replayEvents('run_x', { limit: -1 }).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(NotFoundError);
    const failing = await fakeServer({ failTask: () => 'model unavailable' });
    const boom = await clientFor(failing, { retry: false })
      .run({ task: 't' })
      .catch((e: unknown) => e);
    expect(boom).toBeInstanceOf(InternalServerError);
    expect((boom as Error).message).toBe(
      'HTTP 500 on POST /v1/run: Task execution failed: model unavailable Hint: Review logs for stack trace and configuration issues.',
    );
  });

  it('summarises a 422 list the server sends (a query the client passed through)', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake);
    const { runId } = await client.run({ task: 't' });
    const error = await client
      .replayEvents(runId, { fromSeq: 1.5 as number })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as Error).message).toBe(
      'HTTP 422 on GET /v1/run/' +
        runId +
        '/events/replay: query.from_seq: Input should be a valid integer, unable to parse string as an integer',
    );
  });
});

describe('reads, sessions, channels, devices', () => {
  it('getRun, replayEvents, listSessions and getSession report the request id without changing the data', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake);
    const channel = await client.continueSession('sess_mine', 'hello', { userId: 'u-1' });
    expect(channel.session_id).toBe('sess_mine');
    expect(channel.messages).toHaveLength(2);
    const [webhook] = requestsTo(fake, 'POST', '/channels/webhook');
    expect(webhook?.headers['content-type']).toBe('application/json');
    const run = await client.getRun(channel.run_id, { requestId: 'rq-run' });
    expect(run.requestId).toBe('rq-run');
    expect(Object.keys(run)).not.toContain('requestId');
    expect(JSON.parse(JSON.stringify(run))).toEqual(fake.state.runs.get(channel.run_id)?.record);
    const page = await client.replayEvents(channel.run_id, { fromSeq: 1, limit: 2 });
    expect(page.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(page.count).toBe(2);
    expect(typeof page.requestId).toBe('string');
    const sessions = await client.listSessions({ limit: 5 });
    expect(sessions.map((s) => s.session_id)).toEqual(['sess_mine']);
    expect(typeof sessions.requestId).toBe('string');
    expect(requestsTo(fake, 'GET', '/sessions').at(-1)?.url).toBe('/v1/sessions?limit=5');
    expect((await client.getSession('sess_mine')).org_id).toBe('default');
  });

  it('sends X-Org-Id and X-Project-Id when configured, from options or the environment', async () => {
    const fake = await fakeServer({ projects: [{ projectId: 'proj_a', orgId: 'acme' }] });
    const fromEnv = clientFor(fake, {
      env: {
        AGENT_SDK_ORG_ID: 'acme',
        AGENT_SDK_PROJECT_ID: 'proj_a',
        AGENT_SDK_API_KEY: 'ignored',
      },
    });
    const outcome = await fromEnv.run({ task: 't' });
    expect(fake.state.runs.get(outcome.runId)?.record).toMatchObject({
      org_id: 'acme',
      tags: { project_id: 'proj_a' },
    });
    const [request] = requestsTo(fake, 'POST', '/run');
    expect(request?.headers['x-org-id']).toBe('acme');
    expect(request?.headers['x-project-id']).toBe('proj_a');
    expect(request?.headers['x-api-key']).toBe(fake.apiKey);
  });

  it('registers and pairs a device', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake);
    const device = await client.registerDevice('kiosk');
    expect(device.device_id).toMatch(/^dev_/);
    const paired = await client.pairDevice({
      deviceId: device.device_id,
      pairingCode: device.pairing_code,
      agentId: 'planner',
    });
    expect(paired).toEqual({ status: 'paired', device_id: device.device_id, agent_id: 'planner' });
  });

  it('uses the bare routes when asked', async () => {
    const fake = await fakeServer();
    await clientFor(fake, { basePath: '' }).listSessions();
    expect(fake.state.requests[0]?.url).toBe('/sessions');
  });
});

describe('waitForRun (docs/protocols/agent-sdk.md §1.6)', () => {
  it('polls at once, then backs off, to a final status; a failed run is returned', async () => {
    const fake = await fakeServer({ failTask: () => 'no', runDelayMs: 30 });
    const client = clientFor(fake);
    const stream = client.streamRun({ task: 't' });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    const seen: string[] = [];
    const run = await client.waitForRun(stream.runId!, {
      intervalMs: 5,
      onProgress: (r) => seen.push(r.status),
    });
    expect(run.status).toBe('error');
    expect(seen[0]).toBe('running');
    expect(seen.at(-1)).toBe('error');
    await stream.abort();
  });

  it('repeats a 403 on a run this client streamed as org default (the org rewrite), and only then', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake, { orgId: 'acme' });
    const stream = client.streamRun({ task: 't' });
    await stream.finalResult();
    const run = await client.waitForRun(stream.runId!);
    expect(run).toMatchObject({ status: 'completed', org_id: 'default' });
    const orgs = requestsTo(fake, 'GET', `/run/${stream.runId}`).map((r) => r.headers['x-org-id']);
    expect(orgs).toEqual(['acme', 'default']);
    // Later reads go to default directly.
    await client.getRun(stream.runId!);
    expect(requestsTo(fake, 'GET', `/run/${stream.runId}`).at(-1)?.headers['x-org-id']).toBe(
      'default',
    );
    // A run it did not stream: the 403 is a real refusal.
    const other = await clientFor(fake).continueSession('sess_z', 'm');
    const foreign = await client.waitForRun(other.run_id).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(PermissionDeniedError);
  });

  it('gives up after timeoutMs with the last record; throws an unknown run at once', async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const client = clientFor(fake);
    const stream = client.streamRun({ task: 't' });
    await stream[Symbol.asyncIterator]().next();
    const error = await client
      .waitForRun(stream.runId!, { timeoutMs: 40, intervalMs: 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastRun?.status).toBe('running');
    expect((error as WaitTimeoutError).timeout).toBe('wait');
    expect((error as Error).message).toMatch(
      /did not reach a final status within 40 ms \(\d+ poll\(s\); last status: running\)/,
    );
    await expect(client.waitForRun('run_nope')).rejects.toBeInstanceOf(NotFoundError);
    await stream.abort();
  });
});

describe('credentials and lifecycle', () => {
  it('JWT mode sends a Bearer on /v1 and refuses the bare routes up front', async () => {
    const fake = await fakeServer({ jwtSecret: 'shh' });
    const jwt = fake.signJwt({ sub: 'u', org_id: 'acme' });
    const client = clientFor(fake, { apiKey: undefined, jwt });
    const outcome = await client.run({ task: 't' });
    expect(fake.state.runs.get(outcome.runId)?.record.org_id).toBe('acme');
    const [request] = requestsTo(fake, 'POST', '/run');
    expect(request?.headers.authorization).toBe(`Bearer ${jwt}`);
    expect(request?.headers['x-api-key']).toBeUndefined();
    expect(() => clientFor(fake, { apiKey: undefined, jwt, basePath: '' })).toThrow(
      ConfigurationError,
    );
  });

  it('close() aborts calls in flight and refuses later ones', async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const client = clientFor(fake);
    const pending = client.run({ task: 't' });
    await new Promise((resolve) => setImmediate(resolve));
    await client.close();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await expect(client.getRun('run_x')).rejects.toBeInstanceOf(AbortError);
  });

  it('every call takes a signal', async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const client = clientFor(fake);
    const controller = new AbortController();
    const pending = client.run({ task: 't' }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    const aborted = AbortSignal.abort();
    for (const call of [
      client.getRun('r', { signal: aborted }),
      client.replayEvents('r', { signal: aborted }),
      client.listSessions({ signal: aborted }),
      client.getSession('s', { signal: aborted }),
      client.continueSession('s', 'm', { signal: aborted }),
      client.registerDevice('d', { signal: aborted }),
      client.pairDevice({ deviceId: 'd', pairingCode: 'c', agentId: 'a' }, { signal: aborted }),
      client.waitForRun('r', { signal: aborted }),
    ]) {
      await expect(call).rejects.toBeInstanceOf(AbortError);
    }
    await expect(
      client.streamRun({ task: 't' }, { signal: aborted }).finalResult(),
    ).rejects.toBeInstanceOf(AbortError);
  });
});
