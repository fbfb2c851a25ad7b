// The message of an ApiError is what a user reads first: these pin it whole, for every body
// shape the servers send (status, the server's code, where, what the server said).
import { describe, expect, it } from 'vitest';
import { describeErrorBody, errorFromResponse } from './error-from-response.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const get = { method: 'GET', url: 'http://h.test/v1/things/7?token=abc123' };

describe('ApiError messages, whole', () => {
  it.each([
    [
      '{detail: string}',
      404,
      { detail: 'no such thing' },
      'HTTP 404 on GET /v1/things/7: no such thing',
    ],
    [
      '{detail, hint}',
      404,
      { detail: 'no such task', hint: 'check the id' },
      'HTTP 404 on GET /v1/things/7: no such task (hint: check the id)',
    ],
    [
      'a blank hint',
      404,
      { detail: 'no such task', hint: '  ' },
      'HTTP 404 on GET /v1/things/7: no such task',
    ],
    [
      'a hint without a message',
      500,
      { hint: 'try later' },
      'HTTP 500 on GET /v1/things/7: Server Error (empty body)',
    ],
    [
      '{detail: [{loc, msg}]}',
      422,
      { detail: [{ loc: ['body', 'name'], msg: 'field required' }, { msg: 'bad' }, 'plain'] },
      'HTTP 422 on GET /v1/things/7: body.name: field required; bad; plain',
    ],
    [
      '{detail: [{loc, message}]}',
      422,
      { detail: [{ loc: ['query', 0], message: 'must be > 0' }, { other: 1 }] },
      'HTTP 422 on GET /v1/things/7: query.0: must be > 0; {"other":1}',
    ],
    [
      '{detail: {message}}',
      400,
      { detail: { message: 'bad filter' } },
      'HTTP 400 on GET /v1/things/7: bad filter',
    ],
    [
      '{detail: {other}}',
      400,
      { detail: { field: 'x' } },
      'HTTP 400 on GET /v1/things/7: {"field":"x"}',
    ],
    [
      'the llama-orch envelope',
      429,
      { code: 'QUEUE_FULL_DROP_LRU', message: 'queue full', retriable: true },
      'HTTP 429 QUEUE_FULL_DROP_LRU on GET /v1/things/7: queue full',
    ],
    [
      'an envelope with only a code',
      503,
      { code: 'POOL_UNAVAILABLE' },
      'HTTP 503 POOL_UNAVAILABLE on GET /v1/things/7: POOL_UNAVAILABLE',
    ],
    [
      '{error: {code, message}}',
      409,
      { error: { code: 'STATE_CONFLICT', message: 'already running' } },
      'HTTP 409 STATE_CONFLICT on GET /v1/things/7: already running',
    ],
    [
      '{error: {code: number, detail}}',
      400,
      { error: { code: 42, detail: 'numbered' } },
      'HTTP 400 42 on GET /v1/things/7: numbered',
    ],
    [
      '{error: {message}} without a code',
      400,
      { error: { message: 'bad request body' } },
      'HTTP 400 on GET /v1/things/7: bad request body',
    ],
    [
      '{error: number, message}',
      503,
      { error: 503, message: 'down for maintenance' },
      'HTTP 503 on GET /v1/things/7: down for maintenance',
    ],
    [
      '{error: string} with error_code',
      400,
      { error: 'bad thing', error_code: 'E_BAD' },
      'HTTP 400 E_BAD on GET /v1/things/7: bad thing',
    ],
    [
      'OAuth {error, error_description}',
      401,
      { error: { code: 'invalid_token' }, error_description: 'token expired' },
      'HTTP 401 invalid_token on GET /v1/things/7: token expired',
    ],
    [
      '{message} beside a detail',
      400,
      { detail: 'the detail wins', message: 'not this' },
      'HTTP 400 on GET /v1/things/7: the detail wins',
    ],
    ['a JSON string', 400, 'just a string', 'HTTP 400 on GET /v1/things/7: just a string'],
    ['a JSON array', 400, [1, 2], 'HTTP 400 on GET /v1/things/7: [1,2]'],
    ['JSON null', 502, null, 'HTTP 502 on GET /v1/things/7: null'],
    ['an empty object', 500, {}, 'HTTP 500 on GET /v1/things/7: Server Error (empty body)'],
  ])('%s', async (_shape, status, body, message) => {
    expect((await errorFromResponse(json(status, body), get)).message).toBe(message);
  });

  it('collapses a multi-line server message to one line', async () => {
    const error = await errorFromResponse(
      json(500, { detail: '  Traceback:\n\tline 1\r\n   line 2  ' }),
      get,
    );
    expect(error.message).toBe('HTTP 500 on GET /v1/things/7: Traceback: line 1 line 2');
  });

  it('cuts a long server message at 500 characters, marking the cut', async () => {
    const error = await errorFromResponse(json(400, { detail: 'x'.repeat(600) }), get);
    expect(error.message).toBe(`HTTP 400 on GET /v1/things/7: ${'x'.repeat(499)}…`);
    const exact = await errorFromResponse(json(400, { detail: 'y'.repeat(500) }), get);
    expect(exact.message).toBe(`HTTP 400 on GET /v1/things/7: ${'y'.repeat(500)}`);
  });

  it('plain text and HTML bodies, and empty ones', async () => {
    expect(
      (await errorFromResponse(new Response('upstream\n  timed out', { status: 504 }), get))
        .message,
    ).toBe('HTTP 504 on GET /v1/things/7: upstream timed out');
    expect(
      (
        await errorFromResponse(
          new Response('<html><title>502 Bad Gateway</title></html>', { status: 502 }),
          get,
        )
      ).message,
    ).toBe('HTTP 502 on GET /v1/things/7: HTML page: 502 Bad Gateway');
    expect(
      (await errorFromResponse(new Response('   ', { status: 503, statusText: 'Busy' }), get))
        .message,
    ).toBe('HTTP 503 on GET /v1/things/7: Busy (empty body)');
    expect((await errorFromResponse(new Response(null, { status: 418 }), get)).message).toBe(
      'HTTP 418 on GET /v1/things/7: Error (empty body)',
    );
  });

  it('says where only when both the method and the URL are known', async () => {
    const body = { detail: 'nope' };
    expect((await errorFromResponse(json(400, body), {})).message).toBe('HTTP 400: nope');
    expect((await errorFromResponse(json(400, body), { method: 'GET' })).message).toBe(
      'HTTP 400: nope',
    );
    expect((await errorFromResponse(json(400, body), { url: get.url })).message).toBe(
      'HTTP 400: nope',
    );
    expect(
      (await errorFromResponse(json(400, body), { method: 'POST', url: 'not a url' })).message,
    ).toBe('HTTP 400 on POST not a url: nope');
  });

  it('redacts a credential the server echoes into its message', async () => {
    const error = await errorFromResponse(json(401, { detail: 'bad key sk-live-0123456789' }), {
      ...get,
      secrets: ['sk-live-0123456789'],
    });
    expect(error.message).toBe('HTTP 401 on GET /v1/things/7: bad key [REDACTED]');
    expect(error.url).toBe('http://h.test/v1/things/7?token=[REDACTED]');
  });
});

describe('ApiError fields from the response', () => {
  it('takes the request id from X-Request-Id, then Request-Id, then meta.request_id', async () => {
    const id = async (headers: Record<string, string>, body: unknown = {}) =>
      (await errorFromResponse(json(500, body, headers), get)).requestId;
    expect(
      await id({ 'x-request-id': 'a', 'request-id': 'b' }, { meta: { request_id: 'c' } }),
    ).toBe('a');
    expect(await id({ 'request-id': 'b' }, { meta: { request_id: 'c' } })).toBe('b');
    expect(await id({}, { meta: { request_id: 'c' } })).toBe('c');
    expect(await id({}, { meta: { request_id: '' } })).toBeUndefined();
    expect(await id({}, { meta: 'c' })).toBeUndefined();
    expect(await id({})).toBeUndefined();
  });

  it('keeps retriable only when the server sent a boolean', async () => {
    const retriable = async (body: unknown) =>
      (await errorFromResponse(json(503, body), get)).retriable;
    expect(await retriable({ retriable: false })).toBe(false);
    expect(await retriable({ retriable: true })).toBe(true);
    expect(await retriable({ retriable: 'yes' })).toBeUndefined();
  });

  it('keeps the parsed body, redacted, and the correlation id', async () => {
    const error = await errorFromResponse(
      json(500, { detail: 'x', token: 'abc' }, { 'x-correlation-id': 'corr-1' }),
      get,
    );
    expect(error.body).toEqual({ detail: 'x', token: '[REDACTED]' });
    expect(error.correlationId).toBe('corr-1');
    expect(
      (await errorFromResponse(new Response('oops', { status: 500 }), get)).correlationId,
    ).toBeUndefined();
  });

  it('reads the body as an empty one when it cannot be read', async () => {
    const broken = new Response(
      new ReadableStream({
        pull(controller) {
          controller.error(new Error('socket closed'));
        },
      }),
      { status: 502, statusText: 'Bad Gateway' },
    );
    expect((await errorFromResponse(broken, get)).message).toBe(
      'HTTP 502 on GET /v1/things/7: Bad Gateway (empty body)',
    );
  });
});

describe('describeErrorBody', () => {
  it('finds nothing in an empty body', () => {
    expect(describeErrorBody(' \n', 'application/json')).toEqual({
      message: undefined,
      code: undefined,
      retriable: undefined,
      body: undefined,
    });
  });
});
