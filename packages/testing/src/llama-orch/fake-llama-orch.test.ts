// docs/protocols/llama-orch.md §3, §5, §7, §9: behaviour of FakeLlamaOrch over real HTTP.
import { createHash } from 'node:crypto';
import { ConfigurationError } from '@uplink/core-schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeLlamaOrch, startFakeLlamaOrch } from './fake-llama-orch.js';
import type { FakeLlamaOrchOptions } from './options.js';
import { generateSseBody } from './token-generator.js';

const V1 = { 'x-api-key': 'valid', 'content-type': 'application/json' };
let fake: FakeLlamaOrch;
afterEach(async () => {
  await fake?.close();
});

const start = async (options: FakeLlamaOrchOptions = {}): Promise<FakeLlamaOrch> => {
  fake = await startFakeLlamaOrch(options);
  return fake;
};

const task = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  task_id: id,
  session_id: 's-1',
  workload: 'completion',
  model_ref: 'model0',
  engine: 'llamacpp',
  ctx: 0,
  priority: 'interactive',
  max_tokens: 4,
  deadline_ms: 30000,
  ...extra,
});

const enqueue = (body: unknown, headers: Record<string, string> = V1, path = '/v1/tasks') =>
  fetch(`${fake.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

const streamText = async (id: string, headers: Record<string, string> = V1): Promise<string> => {
  const res = await fetch(`${fake.url}/v1/tasks/${id}/stream`, { headers });
  expect(res.status).toBe(200);
  return res.text();
};

const events = (body: string): string[] =>
  [...body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1] ?? '');

describe('auth and headers', () => {
  it('echoes or generates X-Correlation-Id, also on 401 and 403 (v1)', async () => {
    await start();
    const echoed = await fetch(`${fake.url}/v1/capabilities`, {
      headers: { 'x-api-key': 'valid', 'x-correlation-id': 'c-1' },
    });
    expect(echoed.headers.get('x-correlation-id')).toBe('c-1');
    const missing = await fetch(`${fake.url}/v1/capabilities`);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe('');
    expect(missing.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const wrong = await fetch(`${fake.url}/v1/capabilities`, { headers: { 'x-api-key': 'x' } });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toBe('');
  });

  it('uses Bearer auth on v2 when a token is set, and ignores X-API-Key there', async () => {
    await start({ token: 'secret-token' });
    const ok = await fetch(`${fake.url}/v2/meta/capabilities`, {
      headers: { authorization: 'Bearer secret-token' },
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${fake.url}/v2/meta/capabilities`, {
      headers: { 'x-api-key': 'valid' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('x-correlation-id')).toBeNull();
  });

  it('allows every v2 request when no token is set, and serves only the chosen family', async () => {
    await start({ apiVersion: 'v2' });
    expect((await fetch(`${fake.url}/v2/sessions/s`)).status).toBe(200);
    expect((await fetch(`${fake.url}/v1/sessions/s`, { headers: V1 })).status).toBe(404);
  });

  it('answers 405 for a known path with the wrong method and counts calls per route', async () => {
    await start();
    const res = await fetch(`${fake.url}/v1/tasks`, { headers: V1 });
    expect(res.status).toBe(405);
    await fetch(`${fake.url}/v1/sessions/a`, { headers: V1 });
    await fetch(`${fake.url}/v1/sessions/b`, { headers: V1 });
    expect(fake.calls['GET /v1/sessions/{id}']).toBe(2);
    expect(fake.requests.at(-1)?.url).toBe('/v1/sessions/b');
  });

  it('sends CORS headers and answers preflights when cors is on', async () => {
    await start({ cors: true });
    const pre = await fetch(`${fake.url}/v1/tasks`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key,x-correlation-id',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-api-key');
    const res = await enqueue(task('cors-1'), { ...V1, origin: 'http://localhost:5173' });
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Budget-Tokens-Remaining');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Correlation-Id');
  });

  it('sends no CORS headers by default', async () => {
    await start();
    const res = await fetch(`${fake.url}/v1/capabilities`, {
      headers: { ...V1, origin: 'http://localhost' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    // Without CORS a preflight is just an unauthenticated request.
    const pre = await fetch(`${fake.url}/v1/tasks`, { method: 'OPTIONS' });
    expect(pre.status).toBe(401);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('admission', () => {
  it('admits with budget headers, positions per class, and v2 stream paths', async () => {
    await start();
    const a = await enqueue(task('a'));
    expect(a.status).toBe(202);
    expect(a.headers.get('x-budget-time-remaining-ms')).toBe('600000');
    expect(await a.json()).toEqual({
      task_id: 'a',
      queue_position: 0,
      predicted_start_ms: 0,
      backoff_ms: 0,
    });
    expect(await (await enqueue(task('b'))).json()).toMatchObject({
      queue_position: 1,
      predicted_start_ms: 100,
    });
    expect(await (await enqueue(task('c', { priority: 'batch' }))).json()).toMatchObject({
      queue_position: 0,
    });
    const v2 = await (await enqueue(task('d/e'), V1, '/v2/tasks')).json();
    // The server formats the id into the path as is (no percent-encoding).
    expect(v2.streams).toEqual({
      sse: '/v2/tasks/d/e/events',
      sse_verbose: '/v2/tasks/d/e/events?verbose=true',
    });
    expect(fake.queue.interactive).toEqual(['a', 'b', 'd/e']);
    expect(fake.sessions.get('s-1')?.ttl_ms_remaining).toBe(600000);
  });

  it('rejects the 9th admission with 429 and backoff headers, a repeated task_id included', async () => {
    await start();
    for (let i = 0; i < 8; i++) expect((await enqueue(task(`t-${i}`))).status).toBe(202);
    // No deduplication: re-posting an admitted id needs a slot like any other task.
    expect((await enqueue(task('t-3'))).status).toBe(429);
    expect(fake.tasks.get('t-3')?.admissions).toBe(1);
    const full = await enqueue(task('t-8'));
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('1');
    expect(full.headers.get('x-backoff-ms')).toBe('1000');
    expect(await full.json()).toMatchObject({ code: 'ADMISSION_REJECT', policy_label: 'reject' });
  });

  it('drops the oldest batch item under drop-lru and still admits', async () => {
    await start({ queueCapacity: 2, admissionPolicy: 'drop-lru' });
    await enqueue(task('i-1'));
    await enqueue(task('b-1', { priority: 'batch' }));
    expect((await enqueue(task('i-2'))).status).toBe(202);
    expect(fake.tasks.get('b-1')?.status).toBe('dropped');
    expect(fake.queue.batch).toEqual([]);
    expect((await enqueue(task('i-3'))).status).toBe(202);
    expect(fake.queue.interactive).toEqual(['i-2', 'i-3']);
  });

  it('frees the slot after a stream when releaseOnStreamEnd is on', async () => {
    await start({ queueCapacity: 1, releaseOnStreamEnd: true });
    expect((await enqueue(task('r-1'))).status).toBe(202);
    await streamText('r-1');
    expect((await enqueue(task('r-2'))).status).toBe(202);
  });

  it('applies the sentinels in the server order', async () => {
    await start();
    const both = await enqueue(task('s', { ctx: -1, deadline_ms: 0 }));
    expect((await both.json()).code).toBe('INVALID_PARAMS');
    const pool = await enqueue(task('s', { model_ref: 'pool-unavailable' }));
    expect(pool.status).toBe(503);
    expect(pool.headers.get('retry-after')).toBeNull();
    expect(fake.tasks.size).toBe(0);
  });

  it('answers plain-text 415, 400 and 422 for bodies the server cannot read', async () => {
    await start();
    const noType = await fetch(`${fake.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'x-api-key': 'valid' },
      body: '{}',
    });
    expect(noType.status).toBe(415);
    const bad = await fetch(`${fake.url}/v1/tasks`, { method: 'POST', headers: V1, body: '{' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^text\/plain/);
    const wrong = await enqueue(task('w', { ctx: 'big' }));
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('ctx');
    const unknownField = await enqueue(task('u', { output_mode: 'text' }));
    expect(unknownField.status).toBe(202);
  });
});

describe('streams', () => {
  it('streams the generator output for an admitted task, then the default stream', async () => {
    await start({ streamMode: 'generator' });
    await enqueue(task('g', { seed: 42, max_tokens: 4 }));
    const body = await streamText('g');
    expect(body).toBe(generateSseBody('llamacpp:v1.0.0', 42, 4));
    expect(createHash('sha256').update(body).digest('hex')).toBe(
      'ec6b49d759eb1981fbb769fffea66b2d865959ca696b9f2a2c35bb2fb8c1e04a',
    );
    expect(fake.transcripts.get('g')?.map((f) => f.event)).toEqual([
      'started',
      'token',
      'token',
      'token',
      'token',
      'end',
    ]);
    // A completed stream clears the admission record: the same id now streams "Hello world".
    expect(await streamText('g')).toContain('{"t":" world","i":1}');
  });

  it('gives identical bodies for the same seed and different ones for another seed (seeds 1001-1064 twice)', async () => {
    await start({
      streamMode: 'generator',
      queueCapacity: 1000,
      engineVersions: { llamacpp: 'v1.0.0' },
    });
    const run = async (seed: number, round: number): Promise<string> => {
      await enqueue(task(`seed-${seed}-${round}`, { seed, max_tokens: 16 }));
      return streamText(`seed-${seed}-${round}`);
    };
    const seeds = Array.from({ length: 64 }, (_, k) => 1001 + k);
    const first = await Promise.all(seeds.map((s) => run(s, 1)));
    const second = await Promise.all(seeds.map((s) => run(s, 2)));
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(64);
    expect(first[0]).toBe(generateSseBody('llamacpp:v1.0.0', 1001, 16));
  });

  it('uses the engine version map and caps tokens at maxStreamTokens', async () => {
    await start({ streamMode: 'generator', engineVersions: { tgi: 'v2.3.0' }, maxStreamTokens: 2 });
    await enqueue(task('tgi', { engine: 'tgi', seed: 1, max_tokens: 4 }));
    const body = await streamText('tgi');
    expect(body).toContain('"t":"T4a88"');
    expect(body).toContain('"t":"Tec47"');
    expect(body).not.toContain('T3cfa');
  });

  it('sends no token after a cancel seen before the stream', async () => {
    await start();
    await enqueue(task('c', { max_tokens: 8 }));
    const cancel = await fetch(`${fake.url}/v1/tasks/c/cancel`, { method: 'POST', headers: V1 });
    expect(cancel.status).toBe(204);
    expect(cancel.headers.get('x-correlation-id')).toBeTruthy();
    const body = await streamText('c');
    expect(events(body)).toEqual(['started', 'end']);
    expect(fake.canceled.has('c')).toBe(false);
  });

  it('stops a paced stream at the next token after a mid-stream cancel', async () => {
    await start({ streamMode: 'generator', tokensPerSecond: 20 });
    await enqueue(task('m', { max_tokens: 40 }));
    const res = await fetch(`${fake.url}/v1/tasks/m/stream`, { headers: V1 });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (let guard = 0; guard < 100 && !text.includes('"i":0'); guard++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await fetch(`${fake.url}/v1/tasks/m/cancel`, { method: 'POST', headers: V1 });
    for (let guard = 0; guard < 100; guard++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(events(text)).toEqual(['started', 'token', 'end']);
    expect(text).toContain('"tokens_out":1');
  });

  it('default stream: a cancel during the pause after token 0 gives exactly one token, no metrics (§13.3)', async () => {
    // The generator mode streams its contract-form default stream live, frame by frame.
    await start({ streamMode: 'generator' });
    // No admission record: the server's default "Hello world" stream, which pauses 30 ms
    // after token 0 and checks the cancel set before token 1.
    const res = await fetch(`${fake.url}/v1/tasks/never-admitted/stream`, { headers: V1 });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (let guard = 0; guard < 100 && !text.includes('"i":0'); guard++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    fake.canceled.add('never-admitted');
    for (let guard = 0; guard < 100; guard++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(events(text)).toEqual(['started', 'token', 'end']);
    expect(fake.canceled.has('never-admitted')).toBe(false);
  });

  it('upstream stream: a cancel seen at the second or third check ends it with the canned end (§7)', async () => {
    await start();
    const bodies: string[] = [];
    for (const cancelAtCheck of [2, 3]) {
      const id = `cut-${cancelAtCheck}`;
      await enqueue(task(id));
      // The server checks the cancel set before token 0, 30 ms after it and 10 ms after token 1.
      let checks = 0;
      const has = fake.canceled.has.bind(fake.canceled);
      fake.canceled.has = (value: string) =>
        value === id ? ++checks >= cancelAtCheck : has(value);
      bodies.push(await streamText(id));
      fake.canceled.has = has;
    }
    const end = 'event: end\ndata: {"decode_time_ms":5,"tokens_out":1}\n\n';
    expect(bodies[0]).toBe(
      'event: started\ndata: {"predicted_start_ms":0,"queue_position":0}\n\n' +
        'event: token\ndata: {"i":0,"t":"Hello"}\n\n' +
        end,
    );
    expect(events(bodies[1]!)).toEqual(['started', 'token', 'token', 'end']);
    expect(bodies[1]!.endsWith(end)).toBe(true);
  });

  it('words mode: readable fake text, the same for a seed, with the generator timings', async () => {
    await start({ streamMode: 'words' });
    await enqueue(task('w1', { seed: 7, max_tokens: 12 }));
    await enqueue(task('w2', { seed: 7, max_tokens: 12 }));
    await enqueue(task('w3', { seed: 8, max_tokens: 12 }));
    const text = (body: string): string =>
      [...body.matchAll(/"t":"([^"]*)"/g)].map((m) => m[1]).join('');
    const [a, b, c] = [await streamText('w1'), await streamText('w2'), await streamText('w3')];
    expect(text(a)).toMatch(/^[A-Z][a-z]+( [a-z]+){6} [a-z]+\. [A-Z][a-z]+( [a-z]+){2} [a-z]+\.$/);
    expect(text(b)).toBe(text(a));
    expect(text(c)).not.toBe(text(a));
    const generator = generateSseBody('llamacpp:v1.0.0', 7, 12);
    expect(a.slice(0, a.indexOf('\n\n'))).toBe(generator.slice(0, generator.indexOf('\n\n')));
    expect(a.slice(a.lastIndexOf('event: end'))).toBe(
      generator.slice(generator.lastIndexOf('event: end')),
    );
  });

  it('paces tokens with timers when tokensPerSecond is set', async () => {
    await start({ streamMode: 'generator', tokensPerSecond: 100 });
    await enqueue(task('p', { max_tokens: 6 }));
    const t0 = performance.now();
    const body = await streamText('p');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(events(body).filter((e) => e === 'token')).toHaveLength(6);
  });

  it('applies every quirk with quirks: true', async () => {
    await start({ streamMode: 'generator', quirks: true });
    await enqueue(task('q', { max_tokens: 3 }));
    const body = await streamText('q');
    expect(body).toContain('event: token\n\ndata: {"batch":[{"t":');
    expect(body).toContain('{"tokens_out":1,"decode_time_ms":');
    expect(body.startsWith('event: started\n\ndata:')).toBe(true);
  });

  it('ends canceled streams with {canceled:true} under the canceledEnd quirk', async () => {
    await start({ streamMode: 'generator', quirks: { canceledEnd: true } });
    await fetch(`${fake.url}/v1/tasks/x/cancel`, { method: 'POST', headers: V1 });
    expect(await streamText('x')).toContain('data: {"canceled":true}');
  });

  it('injects mid-stream errors and truncation through prompt sentinels', async () => {
    await start({ quirks: { endAfterError: true } });
    await enqueue(task('e1', { prompt: 'stream-error' }));
    await enqueue(task('e2', { prompt: 'stream-error:POOL_UNREADY' }));
    await enqueue(task('e3', { prompt: 'stream-truncate' }));
    const e1 = await streamText('e1');
    expect(events(e1)).toEqual(['started', 'token', 'error', 'end']);
    expect(e1).toContain('data: {"message":"adapter error"}');
    const e2 = await streamText('e2');
    expect(e2).toContain('"code":"POOL_UNREADY"');
    expect(e2).toContain('"retriable":true');
    expect(events(await streamText('e3'))).toEqual(['started', 'token']);
  });

  it('serves the v2 events route and the broken verbose query under its quirk', async () => {
    await start({ quirks: { v2VerboseQuery: true } });
    await enqueue(task('v'), V1, '/v2/tasks');
    const plain = await fetch(`${fake.url}/v2/tasks/v/events`);
    expect(events(await plain.text())).toContain('end');
    const verbose = await fetch(`${fake.url}/v2/tasks/v/events?verbose=true`);
    expect(verbose.status).toBe(400);
  });

  it('streams from the mock adapter once a worker registered', async () => {
    await start({ token: 'tok' });
    const res = await fetch(`${fake.url}/v2/workers/register`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: JSON.stringify({ replica_id: 'r9' }),
    });
    const expected = createHash('sha256').update('tok').digest('hex').slice(0, 6);
    expect(await res.json()).toEqual({
      ok: true,
      identity: `token:${expected}`,
      pool_id: 'default',
      replica_id: 'r9',
    });
    expect(fake.workerBound).toBe(true);
    expect(await streamText('any')).toContain('data: {}');
  });

  it('closes an open paced stream on close()', async () => {
    await start({ streamMode: 'generator', tokensPerSecond: 1 });
    await enqueue(task('long', { max_tokens: 100 }));
    const res = await fetch(`${fake.url}/v1/tasks/long/stream`, { headers: V1 });
    const reading = res.text().catch((error: unknown) => error);
    await fake.close();
    expect(await reading).toBeInstanceOf(Error);
  });
});

describe('sessions, pools, metrics, faults', () => {
  it('recreates a deleted session with defaults', async () => {
    await start();
    fake.sessions.set('s', {
      ...(await (await fetch(`${fake.url}/v1/sessions/s`, { headers: V1 })).json()),
      turns: 5,
    });
    expect(
      (await fetch(`${fake.url}/v1/sessions/s`, { method: 'DELETE', headers: V1 })).status,
    ).toBe(204);
    expect((await (await fetch(`${fake.url}/v1/sessions/s`, { headers: V1 })).json()).turns).toBe(
      0,
    );
  });

  it('drains, reloads (409 on "bad") and reports health', async () => {
    await start();
    const post = (path: string, body: unknown) =>
      fetch(`${fake.url}/v1/pools/p${path}`, {
        method: 'POST',
        headers: V1,
        body: JSON.stringify(body),
      });
    expect((await post('/drain', {})).status).toBe(422);
    expect((await post('/drain', { deadline_ms: 10 })).status).toBe(202);
    expect(fake.pools.get('p')?.draining).toBe(true);
    expect((await post('/reload', { new_model_ref: 'bad' })).status).toBe(409);
    const health = await (await fetch(`${fake.url}/v1/pools/p/health`, { headers: V1 })).json();
    expect(health).toMatchObject({ draining: true, last_error: expect.stringContaining('reload') });
    expect((await post('/reload', { new_model_ref: 'hf:a/b' })).status).toBe(202);
    expect(fake.pools.get('p')).toMatchObject({
      model_ref: 'hf:a/b',
      draining: false,
      last_error: null,
    });
  });

  it('serves /metrics without auth', async () => {
    await start();
    await enqueue(task('m'));
    await enqueue(task('m'));
    const res = await fetch(`${fake.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    // The same task_id admitted twice: two queue entries, two enqueues counted.
    expect(text).toContain('priority="interactive"} 2');
    expect(text).toContain('tasks_enqueued_total 2');
  });

  it('injects seeded faults through the shared injector', async () => {
    await start({ faults: { seed: 3, routes: { 'POST /v1/tasks': { serverError: 1 } } } });
    const res = await enqueue(task('f'));
    expect(res.status).toBe(503);
    expect(fake.faults.stats.serverError).toBe(1);
    fake.faults.configure({});
    expect((await enqueue(task('f'))).status).toBe(202);
  });

  it('keeps a catalog: create, read, state, verify, delete, and 404 {"error"} for misses', async () => {
    await start();
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${fake.url}${path}`, {
        method,
        headers: V1,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    // The server takes any JSON here and insists only on a string id.
    const noId = await call('POST', '/v1/catalog/models', { digest: 'sha256:1' });
    expect(noId.status).toBe(400);
    expect(await noId.json()).toEqual({ error: 'id required' });
    expect(
      (await call('POST', '/v1/catalog/models', { id: 'm1', digest: 'sha256:1' })).status,
    ).toBe(201);
    expect(await (await call('GET', '/v2/catalog/models/m1')).json()).toEqual({
      id: 'm1',
      digest: 'sha256:1',
    });
    const wrongType = await call('POST', '/v1/catalog/models/m1/state', { state: 1 });
    expect(wrongType.status).toBe(422);
    expect(await wrongType.text()).toBe(
      'Failed to deserialize the JSON body into the target type: state: invalid type: integer `1`, expected a string at line 1 column 10',
    );
    // Any other string reads as Active, as upstream's match does.
    expect((await call('POST', '/v1/catalog/models/m1/state', { state: 'Gone' })).status).toBe(202);
    expect(fake.catalog.get('m1')?.state).toBe('Active');
    expect((await call('POST', '/v1/catalog/models/m1/state', { state: 'Retired' })).status).toBe(
      202,
    );
    expect(fake.catalog.get('m1')?.state).toBe('Retired');
    expect(await (await call('POST', '/v1/catalog/models/m1/verify', {})).json()).toEqual({
      status: 'started',
    });
    expect((await call('DELETE', '/v1/catalog/models/m1')).status).toBe(204);
    for (const [method, path, body] of [
      ['GET', '/v1/catalog/models/m1', undefined],
      ['DELETE', '/v1/catalog/models/m1', undefined],
      ['POST', '/v1/catalog/models/m1/verify', {}],
      ['POST', '/v1/catalog/models/m1/state', { state: 'Active' }],
    ] as const) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ error: 'not found' });
    }
  });

  it('stores artifacts under the sha256 of the document, kind "doc" in the answer', async () => {
    await start();
    const post = (body: string) =>
      fetch(`${fake.url}/v1/artifacts`, { method: 'POST', headers: V1, body });
    // Any JSON document is stored (`serde_json::Value`); only bytes that are not JSON are refused.
    expect((await post(JSON.stringify({ kind: 'essay', content: 'x' }))).status).toBe(201);
    expect((await post(JSON.stringify([1]))).status).toBe(201);
    const cut = await post('{"kind":');
    expect(cut.status).toBe(400);
    expect(await cut.text()).toBe(
      'Failed to parse the request body as JSON: kind: EOF while parsing a value at line 1 column 8',
    );
    const doc = { kind: 'trace', content: { steps: 3 } };
    const created = await post(JSON.stringify(doc));
    expect(created.status).toBe(201);
    const { id, kind } = (await created.json()) as { id: string; kind: string };
    expect(kind).toBe('doc');
    expect(id).toBe(`sha256:${createHash('sha256').update(JSON.stringify(doc)).digest('hex')}`);
    const got = await fetch(`${fake.url}/v1/artifacts/${id}`, { headers: V1 });
    expect(await got.json()).toEqual(doc);
    const missing = await fetch(`${fake.url}/v1/artifacts/sha256:00`, { headers: V1 });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('');
    fake.reset();
    expect(fake.artifacts.size).toBe(0);
  });

  it('forgets everything on reset()', async () => {
    await start();
    await enqueue(task('z'));
    fake.reset();
    expect(fake.tasks.size).toBe(0);
    expect(fake.queue.size).toBe(0);
    expect(fake.sessions.size).toBe(0);
  });

  it('refuses settings it cannot work with, listing every problem', async () => {
    const error = await startFakeLlamaOrch({
      queueCapacity: -1,
      tokensPerSecond: Number.NaN,
      maxStreamTokens: 1.5,
      apiVersion: 'v3' as never,
      admissionPolicy: 'lifo' as never,
      streamMode: 'model' as never,
      apiKey: '',
      port: -2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((p) => p.setting).sort()).toEqual([
      'admissionPolicy',
      'apiKey',
      'apiVersion',
      'maxStreamTokens',
      'port',
      'queueCapacity',
      'streamMode',
      'tokensPerSecond',
    ]);
    expect((error as Error).message).toMatch(/queueCapacity: expected a whole number >= 0, got -1/);
  });

  it('supports await using', async () => {
    let url: string;
    {
      await using f = await startFakeLlamaOrch();
      url = f.url;
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    }
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });
});
