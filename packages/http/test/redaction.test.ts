import { inspect } from 'node:util';
import { ConfigurationError, ConnectionError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { bearer, createHttpClient, header, type Logger } from '../src/index.js';
import { scriptedServer } from './helpers.js';

const SECRET = 'sk-live-7f3a9c1e5b2d4f6a8c0e';

/** Every line, message, toJSON() and cause chain as one string. */
function dump(error: unknown, lines: unknown[]): string {
  const parts = [inspect(lines, { depth: 20 })];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, String(current.stack), inspect(current, { depth: 20 }));
      const json = (current as { toJSON?: () => unknown }).toJSON?.();
      if (json !== undefined) parts.push(JSON.stringify(json));
      current = current.cause;
    } else {
      parts.push(inspect(current, { depth: 20 }));
      current = undefined;
    }
  }
  return parts.join('\n');
}

function capture(): { logger: Logger; lines: unknown[] } {
  const lines: unknown[] = [];
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    lines.push({ level, msg, fields });
  return {
    lines,
    logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') },
  };
}

describe('redaction across every error path', () => {
  const Schema = v.object({ n: v.number() });

  it('never shows the token in logs, messages, toJSON() or causes', async () => {
    const { url, server } = await scriptedServer((req, res) => {
      const echo = `${req.headers.authorization} ${SECRET}`;
      switch (req.url?.split('?')[0]) {
        case '/401':
          res.writeHead(401, {
            'content-type': 'application/json',
            'set-cookie': `s=${SECRET}`,
            'x-echo': echo,
          });
          res.end(
            JSON.stringify({ detail: `invalid token ${SECRET}`, token: SECRET, api_key: SECRET }),
          );
          return;
        case '/html':
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end(`<html><head><title>Bad token ${SECRET}</title></head></html>`);
          return;
        case '/text':
          res.writeHead(500);
          res.end(`failed for ${echo}`);
          return;
        case '/envelope':
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '600' });
          res.end(
            JSON.stringify({
              code: 'ADMISSION_REJECT',
              message: `key ${SECRET} over quota`,
              retriable: true,
            }),
          );
          return;
        case '/invalid':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ n: SECRET }));
          return;
        case '/invalid-secret-field':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ n: 1, secret: 5, value: SECRET }));
          return;
        case '/malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"n": "${SECRET}"`);
          return;
        case '/sse-malformed':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`event: token\ndata: ${SECRET}\n\n`);
          return;
        case '/sse-invalid':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`event: token\ndata: {"n":"${SECRET}"}\n\n`);
          return;
        case '/hang':
          return;
        default:
          res.writeHead(404);
          res.end();
      }
    });
    const { logger, lines } = capture();
    const make = (extra: object = {}) =>
      createHttpClient({
        baseUrl: url,
        auth: bearer(SECRET),
        logger,
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
        ...extra,
      });
    const client = make();
    const q = { query: { api_key: SECRET, token: SECRET } };
    const Secretive = v.object({ n: v.number(), secret: v.string() });
    const drain = async (stream: AsyncIterable<unknown>) => {
      for await (const _ of stream) {
        // drain
      }
    };
    const cases: [string, () => Promise<unknown>][] = [
      ['401 JSON with echoed token', () => client.get('/401', Schema, q)],
      ['HTML error page', () => client.get('/html', Schema, q)],
      ['text error with echoed header', () => client.get('/text', Schema, q)],
      ['llama-orch envelope, hint too long', () => client.get('/envelope', Schema, q)],
      ['validation mismatch on a secret value', () => client.get('/invalid', Schema, q)],
      [
        'validation mismatch on secret fields',
        () => client.get('/invalid-secret-field', Secretive, q),
      ],
      ['malformed JSON', () => client.get('/malformed', Schema, q)],
      ['raw non-2xx', () => client.raw('GET', '/401', q)],
      [
        'SSE malformed',
        () => drain(client.streamSSE('/sse-malformed', { ...q, events: { token: Schema } })),
      ],
      [
        'SSE invalid',
        () => drain(client.streamSSE('/sse-invalid', { ...q, events: { token: Schema } })),
      ],
      ['SSE truncated', () => drain(client.streamSSE('/sse-invalid', { ...q, terminal: ['end'] }))],
      ['attempt timeout', () => make({ timeoutMs: 30 }).get('/hang', Schema, q)],
      [
        'total timeout',
        () => make({ timeoutMs: 1000, totalTimeoutMs: 40 }).get('/hang', Schema, q),
      ],
      [
        'token in custom headers and secrets',
        () => make({ headers: { 'X-API-Key': SECRET }, secrets: [SECRET] }).get('/text', Schema, q),
      ],
    ];
    const errors: unknown[] = [];
    for (const [name, run] of cases) {
      const error = await run().then(
        () => new Error(`${name}: expected a failure`),
        (e: unknown) => e,
      );
      errors.push(error);
      expect(error, name).toBeInstanceOf(Error);
      expect((error as Error).message, name).not.toMatch(/expected a failure/);
      expect(dump(error, []), name).not.toContain(SECRET);
    }
    await server.close();
    const refused = await client.get('/401', Schema, q).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(dump(refused, [])).not.toContain(SECRET);
    expect(lines.length).toBeGreaterThan(cases.length);
    expect(dump(undefined, lines)).not.toContain(SECRET);
    expect(errors.length).toBe(cases.length);
  });

  it('keeps credentials in URLs out of configuration and runtime errors', async () => {
    const config = (() => {
      try {
        return createHttpClient({ baseUrl: `http://user:${SECRET}@127.0.0.1:9/api` });
      } catch (e) {
        return e;
      }
    })();
    expect((config as Error).message).toContain('without credentials');
    expect(dump(config, [])).not.toContain(SECRET);
    const { url } = await scriptedServer({ status: 200, body: {} });
    const client = createHttpClient({ baseUrl: url, retry: false });
    // fetch refuses a URL with userinfo, quoting it (and its query) in its own error.
    const absolute = url.replace('http://', `http://user:${SECRET}@`);
    const error = await client.get(`${absolute}/x?token=${SECRET}`, null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('[REDACTED]');
    expect(dump(error, [])).not.toContain(SECRET);
  });
});

describe('credentials no HTTP header may carry', () => {
  it('are a ConfigurationError naming the header, never quoting the value, and never sent', async () => {
    const { logger, lines } = capture();
    let requests = 0;
    const fetchSpy: typeof fetch = async () => {
      requests++;
      return new Response('{}');
    };
    const client = createHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      auth: header('x-api-key', `abcd\n${SECRET}`),
      fetch: fetchSpy,
      logger,
    });
    const error = await client.get('/x', v.unknown()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('auth (x-api-key header)');
    expect(dump(error, lines)).not.toContain(SECRET.slice(4));
    expect(requests).toBe(0);
  });
});

describe('keys a server chooses stay data', () => {
  it('an error body with __proto__ and constructor keys reaches err.body as own data, prototypes untouched', async () => {
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        '{"__proto__":{"polluted":true,"ok":true},"constructor":{"prototype":{"polluted":true}},"detail":"denied"}',
      );
    });
    const client = createHttpClient({ baseUrl: url, retry: false });
    const error = (await client.get('/x', null).catch((e: unknown) => e)) as {
      status: number;
      body: Record<string, unknown>;
      toJSON(): unknown;
    };
    expect(error.status).toBe(403);
    const body = error.body;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect((body as { ok?: unknown }).ok).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toEqual({
      polluted: true,
      ok: true,
    });
    expect(Object.getOwnPropertyDescriptor(body, 'constructor')?.value).toEqual({
      prototype: { polluted: true },
    });
    expect(body.detail).toBe('denied');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    const json = JSON.parse(JSON.stringify(error.toJSON())) as { body: Record<string, unknown> };
    expect(Object.getOwnPropertyDescriptor(json.body, '__proto__')?.value).toEqual({
      polluted: true,
      ok: true,
    });
  });
});
