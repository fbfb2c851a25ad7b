import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { errorFromResponse } from './error-from-response.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const ctx = { method: 'GET', url: 'http://h.test/v1/things?token=abc123' };

describe('errorFromResponse', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [502, InternalServerError],
    [503, InternalServerError],
    [504, InternalServerError],
    [418, ApiError],
  ] as const)('maps %i to %s', async (status, Class) => {
    const error = await errorFromResponse(json(status, { detail: 'nope' }), ctx);
    expect(error).toBeInstanceOf(Class);
    expect(error.status).toBe(status);
    expect(error.message).toContain('nope');
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain('GET /v1/things');
    expect(error.url).toBe('http://h.test/v1/things?token=[REDACTED]');
  });

  it('reads {detail: string} and its hint', async () => {
    const error = await errorFromResponse(
      json(404, { detail: 'no such task', hint: 'check id' }),
      ctx,
    );
    expect(error.message).toContain('no such task (hint: check id)');
  });

  it('joins {detail: [{loc, msg}]} with paths', async () => {
    const error = await errorFromResponse(
      json(422, {
        detail: [
          { loc: ['body', 'name'], msg: 'field required', type: 'missing' },
          { loc: ['query', 'limit'], msg: 'must be > 0', type: 'value_error' },
        ],
      }),
      ctx,
    );
    expect(error.message).toContain('body.name: field required; query.limit: must be > 0');
  });

  it('reads the llama-orch envelope with retriable and retry_after_ms', async () => {
    const error = await errorFromResponse(
      json(
        429,
        {
          code: 'QUEUE_FULL_DROP_LRU',
          message: 'queue full',
          engine: 'llamacpp',
          retriable: true,
          retry_after_ms: 1000,
          policy_label: 'drop-lru',
        },
        { 'x-correlation-id': 'corr-429-1' },
      ),
      ctx,
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.code).toBe('QUEUE_FULL_DROP_LRU');
    expect(error.message).toContain('queue full');
    expect(error.retriable).toBe(true);
    expect(error.retryAfterMs).toBe(1000);
    expect(error.correlationId).toBe('corr-429-1');
    expect((error.body as { policy_label: string }).policy_label).toBe('drop-lru');
  });

  it('uses the code when the envelope has no message', async () => {
    const error = await errorFromResponse(json(503, { code: 'POOL_UNAVAILABLE' }), ctx);
    expect(error.message).toContain('POOL_UNAVAILABLE');
  });

  it('reads {error: {code, message, details}} and meta.request_id', async () => {
    const error = await errorFromResponse(
      json(409, {
        error: { code: 'STATE_CONFLICT', message: 'already running', details: {} },
        meta: { request_id: 'req-9' },
      }),
      ctx,
    );
    expect(error.code).toBe('STATE_CONFLICT');
    expect(error.message).toContain('already running');
    expect(error.requestId).toBe('req-9');
  });

  it('reads {error: "..."}', async () => {
    const error = await errorFromResponse(json(400, { error: 'bad thing' }), ctx);
    expect(error.message).toContain('bad thing');
  });

  it('keeps plain text, bounded', async () => {
    const error = await errorFromResponse(
      new Response(`upstream failed\n${'x'.repeat(2000)}`, { status: 502 }),
      ctx,
    );
    expect(error.message).toContain('upstream failed');
    expect(error.message.length).toBeLessThan(700);
  });

  it('summarises HTML pages instead of dumping them', async () => {
    const html = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><h1>Bad Gateway</h1>${'<p>filler</p>'.repeat(500)}</body></html>`;
    const error = await errorFromResponse(
      new Response(html, { status: 502, headers: { 'content-type': 'text/html' } }),
      ctx,
    );
    expect(error.message).toContain('HTML page: 502 Bad Gateway');
    expect(error.message).not.toContain('<');
    expect(error.message.length).toBeLessThan(400);
  });

  it('summarises HTML without a title from its heading or text', async () => {
    const a = await errorFromResponse(
      new Response('<html><body><h1>Service &amp; Co down</h1></body></html>', { status: 503 }),
      ctx,
    );
    expect(a.message).toContain('HTML page: Service & Co down');
    const b = await errorFromResponse(
      new Response('<html><body><script>x()</script>just text</body></html>', { status: 503 }),
      ctx,
    );
    expect(b.message).toContain('HTML page: just text');
  });

  it('handles an empty body', async () => {
    const error = await errorFromResponse(
      new Response(null, { status: 500, statusText: 'Internal Server Error' }),
      ctx,
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toContain('Internal Server Error (empty body)');
    expect(error.body).toBeUndefined();
  });

  it('handles JSON that is not an object', async () => {
    const error = await errorFromResponse(json(400, 'just a string'), ctx);
    expect(error.message).toContain('just a string');
    const list = await errorFromResponse(json(400, [1, 2]), {});
    expect(list.message).toContain('[1,2]');
  });

  it('takes X-Request-Id and the Retry-After hint from headers', async () => {
    const error = await errorFromResponse(
      json(429, { detail: 'slow down' }, { 'x-request-id': 'rid-1', 'retry-after': '2' }),
      ctx,
    );
    expect(error.requestId).toBe('rid-1');
    expect(error.retryAfterMs).toBe(2000);
  });

  it('redacts secrets from message, body and headers', async () => {
    const secret = 'sk-live-SECRET-123';
    const error = await errorFromResponse(
      json(
        401,
        { detail: `bad token ${secret}`, token: secret },
        { 'set-cookie': `session=${secret}`, 'x-echo': secret },
      ),
      { ...ctx, secrets: [secret] },
    );
    const dump = JSON.stringify(error.toJSON()) + error.message;
    expect(dump).not.toContain(secret);
  });

  it('uses a body text already read', async () => {
    const error = await errorFromResponse(new Response(null, { status: 400 }), {
      bodyText: '{"detail":"given"}',
    });
    expect(error.message).toContain('given');
  });
});
