import {
  AbortError,
  ConfigurationError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  ResponseTooLargeError,
  ResponseValidationError,
  TimeoutError,
} from '@uplink/core-schemas';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bearer, createHttpClient, header } from '../src/index.js';
import { jsonResponse, scriptedFetch, scriptedServer } from './helpers.js';

const Thing = v.object({ id: v.string(), n: v.number() });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createHttpClient: requests', () => {
  it('GETs and validates, with query, ids and headers', async () => {
    const { url, seen } = await scriptedServer({
      status: 200,
      body: { id: 'a', n: 1, extra: true },
      headers: { 'x-request-id': 'rid', 'x-correlation-id': 'cid' },
    });
    const client = createHttpClient({
      baseUrl: `${url}/api/`,
      auth: bearer(() => 'tok-123456'),
      headers: { 'x-team': 'core' },
      sdk: { name: 'platform-client', version: '1.2.3' },
      userAgent: 'my-app/9',
    });
    const res = await client.request('GET', '/things/a', Thing, {
      query: { limit: 5, on: true, skip: undefined, none: null },
      headers: { 'x-call': 'yes' },
    });
    expect(res.data).toEqual({ id: 'a', n: 1 });
    expect(res.status).toBe(200);
    expect(res.requestId).toBe('rid');
    expect(res.correlationId).toBe('cid');
    const [req] = seen;
    expect(req?.url).toBe('/api/things/a?limit=5&on=true');
    expect(req?.headers.authorization).toBe('Bearer tok-123456');
    expect(req?.headers['x-team']).toBe('core');
    expect(req?.headers['x-call']).toBe('yes');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers['user-agent']).toMatch(
      /^uplink-platform-client\/1\.2\.3 \(node\/\d+\.\d+\.\d+\) my-app\/9$/,
    );
    expect(client.baseUrl).toBe(`${url}/api/`);
  });

  it('sends JSON bodies with post/put/patch and an API key header', async () => {
    const { url, seen } = await scriptedServer({ status: 200, body: { id: 'x', n: 2 } });
    const client = createHttpClient({ baseUrl: url, auth: header('X-API-Key', 'key-abcdef') });
    expect(await client.post('/p', Thing, { body: { a: 1 } })).toEqual({ id: 'x', n: 2 });
    await client.put('/p', Thing, { body: [1] });
    await client.patch('/p', Thing, { body: 'x' });
    expect(await client.get('/p', null)).toBeUndefined();
    expect(seen.map((s) => s.method)).toEqual(['POST', 'PUT', 'PATCH', 'GET']);
    expect(seen[0]?.body).toBe('{"a":1}');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(seen[0]?.headers['x-api-key']).toBe('key-abcdef');
    expect(seen[3]?.headers['content-type']).toBeUndefined();
  });

  it('handles 204 explicitly: null schema gives undefined, optional schema accepts it', async () => {
    const { url } = await scriptedServer({ status: 204 });
    const client = createHttpClient({ baseUrl: url });
    expect(await client.delete('/x', null)).toBeUndefined();
    expect(await client.delete('/x', v.optional(Thing))).toBeUndefined();
    const error = await client.delete('/x', Thing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('empty body, which was not expected');
    expect((error as ResponseValidationError).status).toBe(204);
  });

  it('rejects an empty 200 body for a required schema', async () => {
    const { url } = await scriptedServer({ status: 200, raw: '' });
    const client = createHttpClient({ baseUrl: url });
    await expect(client.get('/x', Thing)).rejects.toThrow(/empty body/);
  });

  it('raises ResponseValidationError naming the bad path', async () => {
    const { url } = await scriptedServer({ status: 200, body: { id: 'a', n: 'one' } });
    const client = createHttpClient({ baseUrl: url });
    const error = (await client
      .get('/things', Thing)
      .catch((e: unknown) => e)) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.path).toBe('n');
    expect(error.message).toContain('GET /things response');
    expect(error.message).toContain('expected number');
  });

  it('raises ResponseValidationError for malformed JSON and HTML on a 200', async () => {
    const { url } = await scriptedServer(
      { status: 200, raw: '{"id": "a", ', headers: { 'content-type': 'application/json' } },
      {
        status: 200,
        raw: '<html><head><title>Login required</title></head></html>',
        headers: { 'content-type': 'text/html' },
      },
    );
    const client = createHttpClient({ baseUrl: url });
    const a = await client.get('/x', Thing).catch((e: unknown) => e);
    expect(a).toBeInstanceOf(ResponseValidationError);
    expect((a as Error).message).toMatch(
      /expected a JSON body, received application\/json body "\{"id": "a",/,
    );
    const b = await client.get('/x', Thing).catch((e: unknown) => e);
    expect((b as Error).message).toContain('HTML page: Login required');
  });

  it('maps non-2xx to the ApiError family with the server message', async () => {
    const { url } = await scriptedServer({
      status: 404,
      body: { detail: 'deployment not found' },
      headers: { 'x-request-id': 'r-404' },
    });
    const client = createHttpClient({ baseUrl: url });
    const error = (await client.get('/d/1', Thing).catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('deployment not found');
    expect(error.requestId).toBe('r-404');
    expect(error.method).toBe('GET');
  });

  it('maps a refused connection to ConnectionError with the cause, naming the host but never the query', async () => {
    const { url, server } = await scriptedServer({ status: 200, body: {} });
    await server.close();
    const client = createHttpClient({ baseUrl: url, retry: false });
    const error = (await client
      .get('/x', null, { query: { page: 2, token: 'q-secret' } })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    const { port } = new URL(url);
    expect(error.message).toMatch(
      new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/x: could not connect .*ECONNREFUSED`),
    );
    expect(error.message).not.toContain('page=');
    expect(error.message).not.toContain('q-secret');
    expect(error.cause).toBeDefined();
  });

  it('validates options with one ConfigurationError listing every problem', () => {
    let error: unknown;
    try {
      createHttpClient({
        baseUrl: 'ftp://x',
        timeoutMs: -1,
        totalTimeoutMs: Number.NaN,
        retry: { maxRetries: 1.5, baseDelayMs: -2 },
        fetch: 'no' as never,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const settings = (error as ConfigurationError).problems.map((p) => p.setting);
    expect(settings).toEqual([
      'baseUrl',
      'timeoutMs',
      'totalTimeoutMs',
      'retry.maxRetries',
      'retry.baseDelayMs',
      'fetch',
    ]);
    expect(() => createHttpClient({ baseUrl: '' })).toThrow(ConfigurationError);
    expect(() => createHttpClient({ baseUrl: 'http://x', retry: 3 as never })).toThrow(/retry/);
  });

  it('rejects bad auth, logger, headers, signal, sdk, userAgent and secrets at construction', () => {
    let error: unknown;
    try {
      createHttpClient({
        baseUrl: 'http://x',
        auth: 'Bearer sk-live-secret' as never,
        logger: { debug() {} } as never,
        headers: { 'x-api-key': 42 as never },
        signal: {} as never,
        sdk: { name: 'x' } as never,
        userAgent: 7 as never,
        secrets: ['ok', 1] as never,
        retry: { statuses: [200, 'x'] as never },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    expect(problems.map((p) => p.setting)).toEqual([
      'retry.statuses',
      'headers.x-api-key',
      'auth',
      'logger',
      'signal',
      'userAgent',
      'sdk',
      'secrets',
    ]);
    expect(JSON.stringify((error as ConfigurationError).toJSON())).not.toContain('sk-live-secret');
    expect(problems[1]?.message).not.toContain('42');
  });

  it('rejects bad per-call settings with ConfigurationError, before any request', async () => {
    const { fetch, requests } = scriptedFetch(jsonResponse(200, {}));
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch });
    await expect(client.get('/x', null, { timeoutMs: Number.NaN })).rejects.toThrow(
      /timeoutMs: expected a positive number of milliseconds, got NaN/,
    );
    await expect(client.get('/x', null, { retry: { baseDelayMs: -1 } })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
    await expect(client.get('/x', null, { signal: 'no' as never })).rejects.toThrow(/AbortSignal/);
    await expect(client.get('/x', null, { headers: { a: undefined as never } })).rejects.toThrow(
      /headers\.a/,
    );
    expect(requests).toHaveLength(0);
    await client.get('/x', null, { timeoutMs: 5, retry: false, headers: { a: 'b' } });
    expect(requests).toHaveLength(1);
  });

  it('rejects a body JSON cannot encode with ConfigurationError, before any request', async () => {
    const { fetch, requests } = scriptedFetch(jsonResponse(200, {}));
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch });
    await expect(client.post('/x', null, { body: { n: 1n } })).rejects.toThrow(
      /body: expected a JSON-encodable value/,
    );
    expect(requests).toHaveLength(0);
  });

  it('passes an auth strategy failure through unchanged and does not retry it', async () => {
    const { fetch, requests } = scriptedFetch(jsonResponse(200, {}));
    let calls = 0;
    const failure = new Error('vault unavailable');
    const client = createHttpClient({
      baseUrl: 'http://h.test',
      fetch,
      auth: async () => {
        calls++;
        throw failure;
      },
    });
    await expect(client.get('/x', null)).rejects.toBe(failure);
    expect(calls).toBe(1);
    expect(requests).toHaveLength(0);
  });

  it('close() aborts calls in flight and later ones', async () => {
    const { url, received } = await scriptedServer(() => {});
    const client = createHttpClient({ baseUrl: url });
    const pending = client.get('/hang', null);
    await received();
    await client[Symbol.asyncDispose]();
    await expect(pending).rejects.toThrow(/client was closed/);
    await expect(client.get('/x', null)).rejects.toBeInstanceOf(AbortError);
  });
});

describe('createHttpClient: retries', () => {
  const fiveHundred = () => jsonResponse(503, { detail: 'busy' });

  it('retries GET on retryable statuses with jittered backoff (2 retries)', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { fetch, requests } = scriptedFetch(
      fiveHundred(),
      fiveHundred(),
      jsonResponse(200, { id: 'a', n: 1 }),
    );
    const logs: unknown[] = [];
    const client = createHttpClient({
      baseUrl: 'http://h.test',
      fetch,
      logger: { debug: (m, f) => logs.push([m, f]), info() {}, warn() {}, error() {} },
    });
    const result = client.get('/x', Thing);
    await vi.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(249); // 0.5 * 500
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(499); // 0.5 * 1000
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual({ id: 'a', n: 1 });
    expect(requests).toHaveLength(3);
    const retries = logs.filter((l) => (l as [string])[0] === 'http retry');
    expect(
      retries.map((l) => (l as [string, { delayMs: number; attempt: number }])[1].delayMs),
    ).toEqual([250, 500]);
    expect(retries.map((l) => (l as [string, { attempt: number }])[1].attempt)).toEqual([1, 2]);
    const attempts = logs.filter((l) => (l as [string])[0] === 'http attempt') as [
      string,
      { attempt: number; delayMs: number; url: string },
    ][];
    expect(attempts.map(([, f]) => [f.attempt, f.delayMs])).toEqual([
      [1, 0],
      [2, 250],
      [3, 500],
    ]);
    expect(attempts[0]?.[1].url).toBe('http://h.test/x');
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { fetch, requests } = scriptedFetch(fiveHundred());
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch, retry: { baseDelayMs: 1 } });
    await expect(client.get('/x', Thing)).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(3);
  });

  it('lets a server hint win over the computed backoff', async () => {
    vi.useFakeTimers();
    const { fetch, requests } = scriptedFetch(
      jsonResponse(429, { detail: 'slow' }, { 'retry-after': '3' }),
      jsonResponse(200, { id: 'a', n: 1 }),
    );
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch });
    const result = client.get('/x', Thing);
    await vi.advanceTimersByTimeAsync(2999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual({ id: 'a', n: 1 });
  });

  it.each([
    ['retry-after-ms', { 'retry-after-ms': '1200' }, undefined],
    ['X-Backoff-Ms', { 'x-backoff-ms': '1200' }, undefined],
    [
      'body retry_after_ms',
      {},
      { code: 'POOL_UNAVAILABLE', retriable: true, retry_after_ms: 1200 },
    ],
  ])('honours %s', async (_name, headers, body) => {
    vi.useFakeTimers();
    const { fetch, requests } = scriptedFetch(
      jsonResponse(503, body ?? { detail: 'x' }, headers as Record<string, string>),
      jsonResponse(200, { id: 'a', n: 1 }),
    );
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch });
    const result = client.get('/x', Thing);
    await vi.advanceTimersByTimeAsync(1199);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBeDefined();
  });

  it('does not wait out a hint longer than maxRetryDelayMs; the error carries retryAfterMs', async () => {
    const { fetch, requests } = scriptedFetch(
      jsonResponse(429, { detail: 'later' }, { 'retry-after': '120' }),
    );
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch });
    const error = (await client.get('/x', Thing).catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(120_000);
    expect(requests).toHaveLength(1);
  });

  it('does not retry when the server says retriable: false, or on 4xx', async () => {
    const a = scriptedFetch(jsonResponse(503, { code: 'X', retriable: false }));
    await expect(
      createHttpClient({ baseUrl: 'http://h.test', fetch: a.fetch }).get('/x', null),
    ).rejects.toThrow();
    expect(a.requests).toHaveLength(1);
    const b = scriptedFetch(jsonResponse(400, { detail: 'bad' }));
    await expect(
      createHttpClient({ baseUrl: 'http://h.test', fetch: b.fetch }).get('/x', null),
    ).rejects.toThrow();
    expect(b.requests).toHaveLength(1);
  });

  it('never retries POST/PATCH without an idempotency key', async () => {
    const { fetch, requests } = scriptedFetch(fiveHundred());
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch, retry: { baseDelayMs: 1 } });
    await expect(client.post('/x', null, { body: {} })).rejects.toBeInstanceOf(InternalServerError);
    await expect(client.patch('/x', null, { body: {} })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(requests).toHaveLength(2);
  });

  it('retries POST with an idempotency key, sending the same key every attempt', async () => {
    const { fetch, requests } = scriptedFetch(
      fiveHundred(),
      fiveHundred(),
      jsonResponse(200, { id: 'a', n: 1 }),
    );
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch, retry: { baseDelayMs: 1 } });
    await client.post('/x', Thing, { body: { a: 1 }, idempotencyKey: 'key-1' });
    expect(requests.map((r) => r.headers.get('idempotency-key'))).toEqual([
      'key-1',
      'key-1',
      'key-1',
    ]);
    expect(await Promise.all(requests.map((r) => r.text()))).toEqual([
      '{"a":1}',
      '{"a":1}',
      '{"a":1}',
    ]);
  });

  it('retries PATCH marked idempotent, and not a GET marked unsafe', async () => {
    const a = scriptedFetch(fiveHundred(), jsonResponse(200, { id: 'a', n: 1 }));
    const client = createHttpClient({
      baseUrl: 'http://h.test',
      fetch: a.fetch,
      retry: { baseDelayMs: 1 },
    });
    await client.patch('/x', Thing, { body: {}, idempotent: true });
    expect(a.requests).toHaveLength(2);
    const b = scriptedFetch(fiveHundred());
    const c2 = createHttpClient({
      baseUrl: 'http://h.test',
      fetch: b.fetch,
      retry: { baseDelayMs: 1 },
    });
    await expect(c2.get('/x', null, { idempotent: false })).rejects.toThrow();
    expect(b.requests).toHaveLength(1);
  });

  it('retries connection errors for idempotent calls only', async () => {
    const failure = new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    const a = scriptedFetch(failure, jsonResponse(200, { id: 'a', n: 1 }));
    const client = createHttpClient({
      baseUrl: 'http://h.test',
      fetch: a.fetch,
      retry: { baseDelayMs: 1 },
    });
    await expect(client.get('/x', Thing)).resolves.toEqual({ id: 'a', n: 1 });
    expect(a.requests).toHaveLength(2);
    const b = scriptedFetch(failure);
    const c2 = createHttpClient({
      baseUrl: 'http://h.test',
      fetch: b.fetch,
      retry: { baseDelayMs: 1 },
    });
    const error = await c2.post('/x', null, { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('ECONNRESET');
    expect(b.requests).toHaveLength(1);
  });

  it('retry: false and per-call retry options override the client', async () => {
    const a = scriptedFetch(fiveHundred());
    const client = createHttpClient({
      baseUrl: 'http://h.test',
      fetch: a.fetch,
      retry: { baseDelayMs: 1 },
    });
    await expect(client.get('/x', null, { retry: false })).rejects.toThrow();
    expect(a.requests).toHaveLength(1);
    await expect(client.get('/x', null, { retry: { maxRetries: 4 } })).rejects.toThrow();
    expect(a.requests).toHaveLength(6);
    const b = scriptedFetch(jsonResponse(418, {}));
    const c2 = createHttpClient({
      baseUrl: 'http://h.test',
      fetch: b.fetch,
      retry: { statuses: [418], baseDelayMs: 1 },
    });
    await expect(c2.get('/x', null)).rejects.toThrow();
    expect(b.requests).toHaveLength(3);
  });

  it('rotates credentials per attempt', async () => {
    let n = 0;
    const { fetch, requests } = scriptedFetch(fiveHundred(), jsonResponse(200, { id: 'a', n: 1 }));
    const client = createHttpClient({
      baseUrl: 'http://h.test',
      fetch,
      retry: { baseDelayMs: 1 },
      auth: bearer(async () => `token-${++n}-rotated`),
    });
    await client.get('/x', Thing);
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer token-1-rotated',
      'Bearer token-2-rotated',
    ]);
  });
});

describe('createHttpClient: timeouts and abort', () => {
  it('fires the per-attempt timeout as TimeoutError(attempt), retried for GET', async () => {
    const { url, seen } = await scriptedServer(() => {});
    const client = createHttpClient({
      baseUrl: url,
      timeoutMs: 50,
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    const error = (await client.get('/slow', null).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe('attempt');
    expect(error.timeoutMs).toBe(50);
    expect(error.message).toBe(`GET ${url}/slow timed out after 50 ms (one attempt)`);
    expect(seen).toHaveLength(2);
  });

  it('fires the total timeout across retries as TimeoutError(total)', async () => {
    const { url, seen } = await scriptedServer(() => {});
    // Each attempt times out after 40 ms and is retried at once, until the total deadline.
    const client = createHttpClient({
      baseUrl: url,
      timeoutMs: 40,
      totalTimeoutMs: 400,
      retry: { maxRetries: 1000, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const error = (await client.get('/slow', null).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe('total');
    expect(error.message).toBe(
      `GET ${url}/slow did not complete within the total timeout of 400 ms`,
    );
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(11);
  });

  it('fires the total timeout on the first attempt when it is shorter than the attempt timeout', async () => {
    const { url, seen } = await scriptedServer(() => {});
    const client = createHttpClient({ baseUrl: url, timeoutMs: 10_000, totalTimeoutMs: 80 });
    const error = (await client.get('/slow', null).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe('total');
    expect(error.message).toBe(
      `GET ${url}/slow did not complete within the total timeout of 80 ms`,
    );
    expect(seen).toHaveLength(1);
  });

  it('throws the API error rather than sleeping past the total deadline', async () => {
    const { fetch, requests } = scriptedFetch(
      jsonResponse(503, { detail: 'busy' }, { 'retry-after': '5' }),
    );
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch, totalTimeoutMs: 1000 });
    await expect(client.get('/x', null)).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it('aborts before headers with AbortError and never retries', async () => {
    const { url, seen, received } = await scriptedServer(() => {});
    const client = createHttpClient({ baseUrl: url });
    const controller = new AbortController();
    const pending = client.get('/hang', null, { signal: controller.signal });
    await received();
    controller.abort(new Error('user gave up'));
    const error = (await pending.catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.message).toContain('aborted by the caller');
    expect(seen).toHaveLength(1);
  });

  it('rejects at once for an already-aborted signal (client-level too)', async () => {
    const { fetch, requests } = scriptedFetch(jsonResponse(200, {}));
    const controller = new AbortController();
    controller.abort();
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch, signal: controller.signal });
    await expect(client.get('/x', null)).rejects.toBeInstanceOf(AbortError);
    expect(requests).toHaveLength(0);
  });

  it('aborts a retry wait', async () => {
    vi.useFakeTimers();
    const { fetch, requests } = scriptedFetch(jsonResponse(503, {}, { 'retry-after': '30' }));
    const client = createHttpClient({ baseUrl: 'http://h.test', fetch });
    const controller = new AbortController();
    const pending = client.get('/x', null, { signal: controller.signal });
    pending.catch(() => {});
    await vi.advanceTimersByTimeAsync(10_000);
    expect(requests).toHaveLength(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('aborts a JSON body mid-read', async () => {
    let wrote!: () => void;
    const written = new Promise<void>((r) => {
      wrote = r;
    });
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id": "a", ', () => wrote());
    });
    const client = createHttpClient({ baseUrl: url });
    const controller = new AbortController();
    const pending = client.get('/x', Thing, { signal: controller.signal });
    await written;
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });
});

describe('createHttpClient: raw', () => {
  it('returns the open body, retried until headers arrive', async () => {
    const { url, seen } = await scriptedServer({ status: 502, raw: 'bad gateway' }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([1, 2, 3]));
    });
    const client = createHttpClient({ baseUrl: url, retry: { baseDelayMs: 1 } });
    const response = await client.raw('get', '/bin', { accept: 'application/octet-stream' });
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers.accept).toBe('application/octet-stream');
  });

  it('raises ApiError for non-2xx', async () => {
    const { url } = await scriptedServer({ status: 404, body: { detail: 'gone' } });
    const client = createHttpClient({ baseUrl: url });
    await expect(client.raw('GET', '/x')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('aborts mid-body through the caller signal', async () => {
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200);
      res.write('part');
    });
    const client = createHttpClient({ baseUrl: url });
    const controller = new AbortController();
    const response = await client.raw('GET', '/x', { signal: controller.signal });
    const reader = response.body!.getReader();
    expect((await reader.read()).value).toBeDefined();
    const next = reader.read();
    controller.abort();
    await expect(next).rejects.toBeInstanceOf(AbortError);
  });

  it('does not apply the attempt or total timeout to a body being streamed', async () => {
    vi.useFakeTimers();
    let push!: (text: string) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
      },
    });
    const { fetch } = scriptedFetch(() => new Response(body, { status: 200 }));
    const client = createHttpClient({
      baseUrl: 'http://h.test',
      fetch,
      timeoutMs: 100,
      totalTimeoutMs: 200,
    });
    const response = await client.raw('GET', '/x');
    const reader = response.body!.getReader();
    await vi.advanceTimersByTimeAsync(5_000);
    push('late');
    const chunk = await reader.read();
    expect(new TextDecoder().decode(chunk.value)).toBe('late');
    await reader.cancel();
  });

  it('maps a dropped body to ConnectionError', async () => {
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('part', () => res.destroy());
    });
    const client = createHttpClient({ baseUrl: url });
    const response = await client.raw('GET', '/x');
    await expect(response.text()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('handles bodiless responses', async () => {
    const { url } = await scriptedServer({ status: 204 });
    const client = createHttpClient({ baseUrl: url });
    const response = await client.raw('DELETE', '/x');
    expect(response.status).toBe(204);
  });
});

describe('createHttpClient: text', () => {
  it('returns the body text with its metadata, retried like the verbs', async () => {
    const { url, seen } = await scriptedServer(
      { status: 503, raw: 'busy' },
      { status: 200, raw: '<not json>', headers: { 'x-request-id': 'rid' } },
    );
    const client = createHttpClient({ baseUrl: url, retry: { baseDelayMs: 1 } });
    const response = await client.text('get', '/doc', { query: { q: 1 }, accept: 'text/html' });
    expect(response).toMatchObject({ data: '<not json>', status: 200, requestId: 'rid' });
    expect(response.url).toBe(`${url}/doc?q=1`);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers.accept).toBe('text/html');
  });

  it('bounds the body like a JSON call: maxResponseBytes and the attempt timeout', async () => {
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(2048));
    });
    const client = createHttpClient({ baseUrl: url, maxResponseBytes: 1024 });
    await expect(client.text('GET', '/big')).rejects.toBeInstanceOf(ResponseTooLargeError);
    const stalled = await scriptedServer((_req, res) => {
      res.writeHead(200);
      res.write('{"data": ');
    });
    const slow = createHttpClient({ baseUrl: stalled.url, timeoutMs: 100, retry: false });
    const error = await slow.text('GET', '/slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('attempt');
  });
});

describe('createHttpClient: connection error text', () => {
  it("gives the runtime's reason when fetch's own message says nothing", async () => {
    // Port 9 is on fetch's list of blocked ports: undici fails with "fetch failed", cause "bad port".
    const client = createHttpClient({ baseUrl: 'http://127.0.0.1:9', retry: false });
    const error = (await client.get('/x', null).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(
      'GET http://127.0.0.1:9/x: could not connect or the connection dropped (fetch failed: bad port)',
    );
  });
});
