import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ConnectionError,
  InternalServerError,
  ResponseValidationError,
} from '@uplink/core-schemas';
import { startServer } from '@uplink/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RunClient, RunStreamError } from '../src/index.js';
import { clientFor, fakeServer } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server that answers with `handler`, and a client on it. */
async function scripted(
  handler: Handler,
  options: ConstructorParameters<typeof RunClient>[0] = {},
) {
  const server = await startServer(handler);
  onTestFinished(() => server.close());
  const client = new RunClient({
    baseUrl: server.url,
    apiKey: 'k',
    env: {},
    retry: false,
    ...options,
  });
  onTestFinished(() => client.close());
  return client;
}

const sse = (res: ServerResponse, body: string, end = true): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  if (end) res.end(body);
  else res.write(body);
};
const envelope = (seq: number) =>
  JSON.stringify({
    run_id: 'run_x',
    session_id: 's',
    stream: 'lifecycle',
    event: 'start',
    payload: {},
    timestamp: 't',
    seq,
  });

describe('bad input gives typed errors', () => {
  it('an HTML page instead of an event stream', async () => {
    const client = await scripted((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Login required</title></head><body>proxy</body></html>');
    });
    const error = await client
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStreamError);
    expect(error).toMatchObject({ code: 'malformed', lastSeq: -1 });
    expect((error as Error).message).toContain('Expected an event stream');
    expect((error as Error).message).toContain('Login required');
  });

  it('an HTML error page from a proxy on a JSON route', async () => {
    const client = await scripted((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><title>502 Bad Gateway</title><body><h1>Bad Gateway</h1></body></html>');
    });
    const error = await client.run({ task: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toContain('502 Bad Gateway');
    expect((error as InternalServerError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('SSE data that is not JSON, and JSON that is not an envelope', async () => {
    const notJson = await scripted((_req, res) =>
      sse(res, `data: ${envelope(0)}\n\ndata: {not json\n\n`),
    );
    const stream = notJson.streamRun({ task: 't' });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const e of stream) seen.push(e.seq!);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0]);
    expect(error).toMatchObject({
      name: 'RunStreamError',
      code: 'malformed',
      lastSeq: 0,
      runId: 'run_x',
    });
    const wrongShape = await scripted((_req, res) => sse(res, 'data: {"hello": "world"}\n\n'));
    const invalid = await wrongShape
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'malformed' });
    expect((invalid as Error).message).toMatch(/^Invalid SSE event "message": at "run_id"/);
    expect((invalid as Error).cause).toBeInstanceOf(ResponseValidationError);
  });

  it('envelopes whose seq, payload or metadata break the contract', async () => {
    const cases: [string, string][] = [
      ['"seq": -1', 'seq'],
      ['"seq": 1.5', 'seq'],
      ['"payload": [1]', 'payload'],
      ['"payload": null', 'payload'],
      ['"metadata": []', 'metadata'],
    ];
    for (const [field, path] of cases) {
      const payload = field.startsWith('"payload"') ? '' : '"payload": {}, ';
      const fields = `"run_id": "run_x", "session_id": "s", "stream": "lifecycle", "event": "start", "timestamp": "t", ${payload}${field}`;
      const client = await scripted((_req, res) => sse(res, `data: {${fields}}\n\n`));
      const error = await client
        .streamRun({ task: 't' })
        .finalResult()
        .catch((e: unknown) => e);
      expect(error, field).toMatchObject({ name: 'RunStreamError', code: 'malformed' });
      expect((error as Error).message).toMatch(
        new RegExp(`^Invalid SSE event "message": at "${path}"`),
      );
    }
  });

  it('an oversized event, and an endless line', async () => {
    const big = await scripted(
      (_req, res) => {
        sse(res, `data: {"run_id": "${'x'.repeat(5000)}`, false);
        setImmediate(() => res.end('"}\n\n'));
      },
      { maxEventBytes: 1024 },
    );
    await expect(big.streamRun({ task: 't' }).finalResult()).rejects.toMatchObject({
      code: 'oversized',
    });
    const endless = await scripted(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = `data: ${'y'.repeat(1000)}`;
        let sent = 0;
        const pump = () => {
          while (sent < 200 && res.write(chunk)) sent++;
          if (sent < 200) res.once('drain', pump);
        };
        pump();
      },
      { maxEventBytes: 8 * 1024 },
    );
    await expect(endless.streamRun({ task: 't' }).finalResult()).rejects.toMatchObject({
      code: 'oversized',
    });
  });

  it('a stream cut before its first event cannot be resumed (the run id is unknown)', async () => {
    const client = await scripted((_req, res) => {
      sse(res, 'data: {"run_id": "run_x", "sess', false);
      setImmediate(() => res.socket?.destroy());
    });
    const error = await client
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'RunStreamError',
      code: 'truncated',
      lastSeq: -1,
      runId: undefined,
    });
    expect((error as Error).message).toContain('POST /run/stream is not retried');
  });

  it('the fake cutting the stream before the first event: the same typed error', async () => {
    const fake = await fakeServer({
      faults: { seed: 1, routes: { 'POST /v1/run/stream': { cutStream: 1 } } },
    });
    const error = await clientFor(fake)
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'truncated', lastSeq: -1 });
  });

  it('JSON that does not fit, and bodies that are not JSON, on REST routes', async () => {
    const wrong = await scripted((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"run_id": 5}');
    });
    const error = await wrong.getRun('run_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/at "run_id" expected string/);
    const text = await scripted((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    expect(await text.listSessions().catch((e: unknown) => e)).toBeInstanceOf(
      ResponseValidationError,
    );
    const noResult = await scripted((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"pending","result":null}');
    });
    const pending = await noResult.run({ task: 't' }).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(ResponseValidationError);
    expect((pending as Error).message).toMatch(
      /^Invalid POST \/run result: at the root expected Object/,
    );
  });

  it('a replay page that does not fit, met while resuming', async () => {
    const client = await scripted((req, res) => {
      if (req.url?.includes('/replay')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"events": "nope", "count": 1}');
        return;
      }
      sse(res, `data: ${envelope(0)}\n\n`);
    });
    const error = await client
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RunStreamError', code: 'malformed', lastSeq: 0 });
  });

  it('a refused connection is a ConnectionError whose url names the host', async () => {
    const server = await startServer((_req, res) => {
      res.end();
    });
    const url = server.url;
    await server.close();
    const client = new RunClient({ baseUrl: url, apiKey: 'k', env: {}, retry: false });
    onTestFinished(() => client.close());
    const error = await client.getRun('run_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).url).toBe(`${url}/v1/run/run_x`);
    expect((error as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
