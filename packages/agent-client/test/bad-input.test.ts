// Answers no SATURN should send, from a scripted loopback server: each becomes a typed error
// of the family with a clear message, never a crash, a hang or a silently empty result.
import {
  ApiError,
  ConflictError,
  InternalServerError,
  RateLimitError,
  ResponseTooLargeError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
  UnprocessableEntityError,
} from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { AgentClient, type AgentClientOptions } from '../src/index.js';
import { rejection, scriptedServer, sendJson } from './helpers.js';

const TOKEN = 'sk_live_bad_input_key_0001';

async function clientWith(
  script: Parameters<typeof scriptedServer>[0],
  options: AgentClientOptions = {},
) {
  const server = await scriptedServer(script);
  const client = new AgentClient({
    baseUrl: server.url,
    token: TOKEN,
    env: {},
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  return { server, client };
}

describe('2xx bodies that are not a SATURN envelope', () => {
  it.each([
    [
      'an HTML page',
      (res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          '<!doctype html><html><head><title>Sign in - Corporate Proxy</title></head></html>',
        );
      },
      /^Invalid SATURN GET \/agents response \(HTTP 200\): at the root expected a JSON \{data, meta\} envelope, received text\/html body HTML page "Sign in - Corporate Proxy"$/,
    ],
    [
      'malformed JSON',
      (res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data": {"agents": [');
      },
      /received application\/json body "\{"data": \{"agents": \["$/,
    ],
    [
      'an empty body',
      (res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end();
      },
      /received an empty body$/,
    ],
    [
      'an envelope without data',
      (res: import('node:http').ServerResponse) =>
        sendJson(res, 200, { meta: { request_id: 'r' } }),
      /^Invalid SATURN GET \/agents response: at "data" expected/,
    ],
    [
      'data of the wrong shape',
      (res: import('node:http').ServerResponse) =>
        sendJson(res, 200, { data: { agents: [{ agent_id: 'a' }] }, meta: { request_id: 'r' } }),
      /at "data\.agents\.0\.company_id" expected "company_id", received undefined \(\+\d+ more problem\(s\)\)$/,
    ],
  ])('%s is a ResponseValidationError', async (_name, answer, message) => {
    const { client } = await clientWith((_seen, res) => answer(res));
    const error = (await rejection(client.listAgents())) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(message);
    expect(error.status).toBe(200);
    expect(error.requestId).toMatch(/^[\da-f-]{36}$/);
  });

  it('refuses a body over maxResponseBytes without reading the rest', async () => {
    let written = 0;
    const { client } = await clientWith(
      (_seen, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        // An endless body: it only stops when the client goes away.
        const pump = () => {
          while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
          if (written < 64 * 1024 * 1024) res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
      },
      { maxResponseBytes: 256 * 1024 },
    );
    const error = (await rejection(client.listAgents())) as StreamError;
    expect(error).toBeInstanceOf(StreamError);
    expect(error.code).toBe('oversized');
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error.message).toMatch(
      /^GET \/agents: the server sent a body larger than the limit of 262144 bytes; reading stopped there\. Raise maxResponseBytes/,
    );
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up on a body that stops arriving (TimeoutError, no hang)', async () => {
    const { client } = await clientWith(
      (_seen, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data": ');
      },
      { timeoutMs: 300 },
    );
    const error = (await rejection(client.getHealth())) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe('attempt');
    expect(error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/health timed out after 300 ms/);
  });
});

describe('error answers that are not SATURN envelopes, or unusual ones', () => {
  it('maps plain 405 and 422 bodies with clear messages', async () => {
    const { client } = await clientWith((seen, res) => {
      if (seen.method === 'POST') {
        sendJson(
          res,
          422,
          {
            detail: [
              { type: 'missing', loc: ['body', 'message'], msg: 'Field required', input: {} },
              {
                type: 'string_type',
                loc: ['body', 'session_id'],
                msg: 'Input should be a valid string',
                input: 1,
              },
            ],
          },
          { 'x-request-id': 'v-1' },
        );
      } else {
        sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: 'POST' });
      }
    });
    const invalid = (await rejection(client.chat('a', 'hi'))) as UnprocessableEntityError;
    expect(invalid).toBeInstanceOf(UnprocessableEntityError);
    expect(invalid.message).toBe(
      'SATURN 422 on POST /agents/a/chat: the request failed validation: body.message: Field required; body.session_id: Input should be a valid string (request id v-1)',
    );
    const method = (await rejection(client.getAgent('a'))) as ApiError;
    expect(method).toBeInstanceOf(ApiError);
    expect(method.status).toBe(405);
    expect(method.message).toMatch(
      /^SATURN 405 on GET \/agents\/a: this path does not accept GET \(request id [\da-f-]{36}\)$/,
    );
  });

  it('retries a GET through a proxy error page, then reports the page', async () => {
    const { server, client } = await clientWith((_seen, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
    });
    const error = (await rejection(client.listTools())) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toContain('502 Bad Gateway');
    expect(server.requests).toHaveLength(3);
    // A create is never retried, even on a 502.
    await rejection(
      client.createTool({
        name: 't',
        type: 'builtin',
        description: 'd',
        input_schema: {},
        config: {},
      }),
    );
    expect(server.requests).toHaveLength(4);
  });

  it('honours RATE_LIMITED with Retry-After on reads, and keeps unknown codes', async () => {
    let calls = 0;
    const { client } = await clientWith((seen, res) => {
      calls++;
      if (seen.method === 'GET' && calls === 1) {
        sendJson(
          res,
          429,
          { error: { code: 'RATE_LIMITED', message: 'Rate limited', details: { window: '1m' } } },
          { 'retry-after': '0' },
        );
      } else if (seen.method === 'GET') {
        sendJson(res, 200, { data: { agents: [] }, meta: { request_id: 'after-429' } });
      } else {
        sendJson(res, 409, {
          error: { code: 'QUOTA_EXCEEDED', message: 'Over quota', details: { limit: 3 } },
          meta: { request_id: 'q-1' },
        });
      }
    });
    const page = await client.listAgents();
    expect(page.requestId).toBe('after-429');
    expect(calls).toBe(2);
    const conflict = (await rejection(
      client.createAgent({ name: 'n', type: 'task', model_config: {}, behavior_config: {} }),
    )) as ConflictError;
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { limit: 3 },
      requestId: 'q-1',
    });
    expect(conflict.message).toBe(
      'SATURN 409 QUOTA_EXCEEDED on POST /agents: Over quota (request id q-1)',
    );

    const { client: limited } = await clientWith((_seen, res) =>
      sendJson(
        res,
        429,
        {
          error: { code: 'RATE_LIMITED', message: 'Rate limited', details: {} },
          meta: { request_id: 'l' },
        },
        { 'retry-after': '3600' },
      ),
    );
    const error = (await rejection(limited.getMe())) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(3_600_000);
  });

  it('takes the request id from the header when meta is absent', async () => {
    const { client } = await clientWith((_seen, res) =>
      sendJson(res, 200, { data: { status: 'ok' } }, { 'x-request-id': 'hdr-1' }),
    );
    expect((await client.getHealth()).requestId).toBe('hdr-1');
    const { client: bare } = await clientWith((_seen, res) =>
      sendJson(res, 200, { data: { status: 'ok' } }),
    );
    expect((await bare.getHealth({ requestId: 'mine' })).requestId).toBe('mine');
  });
});
