import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { startServer } from '@uplink/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import { connectGateway, RunClient } from '../src/index.js';
import { clientFor, fakeServer } from './helpers.js';

const KEY = 'sk-live-0123456789abcdef';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLXNlY3JldA';

/** Everything an error exposes: message, stack, toJSON, inspect with hidden properties, causes. */
const exposed = (error: unknown): string =>
  [
    String(error),
    (error as Error).stack ?? '',
    JSON.stringify(error),
    inspect(error, { showHidden: true, depth: null }),
  ].join('\n');

function capturingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(JSON.stringify({ level, message, fields }));
  return {
    lines,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  };
}

async function echoing(handler: (req: IncomingMessage, res: ServerResponse, key: string) => void) {
  const server = await startServer((req, res) => {
    const key = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '');
    handler(req, res, key);
  });
  onTestFinished(() => server.close());
  return server;
}

describe('secrets never leak', () => {
  it('an error body, a hint and a header that echo the API key', async () => {
    const server = await echoing((_req, res, key) => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-echo': key });
      res.end(JSON.stringify({ detail: `Invalid API key ${key}`, hint: `you sent ${key}` }));
    });
    const { lines, logger } = capturingLogger();
    const client = new RunClient({
      baseUrl: server.url,
      apiKey: KEY,
      env: {},
      logger,
      retry: false,
    });
    onTestFinished(() => client.close());
    const error = await client.run({ task: 't' }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('[REDACTED]');
    expect(exposed(error)).not.toContain(KEY);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('a rotating key (a function): each value it returned', async () => {
    let n = 0;
    const server = await echoing((_req, res, key) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: `boom for ${key}` }));
    });
    const client = new RunClient({
      baseUrl: server.url,
      apiKey: () => `${KEY}-${++n}`,
      env: {},
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    onTestFinished(() => client.close());
    const error = await client.getRun('run_x').catch((e: unknown) => e);
    expect(n).toBe(3);
    expect(exposed(error)).not.toContain(KEY);
  });

  it('a stream-failure event and malformed SSE data that echo the key', async () => {
    const server = await echoing((req, res, key) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (req.url?.includes('bad-data')) {
        res.end(`data: {not json ${key}\n\n`);
        return;
      }
      const start = {
        run_id: 'run_x',
        session_id: 's',
        stream: 'lifecycle',
        event: 'start',
        payload: {},
        timestamp: 't',
        seq: 0,
      };
      const failure = {
        run_id: 'run_x',
        session_id: 'unknown',
        stream: 'lifecycle',
        event: 'error',
        payload: { error: `token ${key} rejected` },
        timestamp: 't',
      };
      res.end(`data: ${JSON.stringify(start)}\n\ndata: ${JSON.stringify(failure)}\n\n`);
    });
    const { lines, logger } = capturingLogger();
    const client = new RunClient({
      baseUrl: server.url,
      apiKey: KEY,
      env: {},
      logger,
      retry: false,
    });
    onTestFinished(() => client.close());
    const failed = await client
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect((failed as Error).message).toBe(
      "The server's event stream failed: token [REDACTED] rejected (it sent its stream-failure event)",
    );
    expect(exposed(failed)).not.toContain(KEY);
    const bad = await new RunClient({
      baseUrl: `${server.url}/bad-data`,
      apiKey: KEY,
      env: {},
      logger,
      retry: false,
    })
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect((bad as { code?: string }).code).toBe('malformed');
    expect(exposed(bad)).not.toContain(KEY);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('a JWT echoed by the server', async () => {
    const server = await echoing((_req, res, auth) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: `${auth} is not allowed` }));
    });
    const client = new RunClient({ baseUrl: server.url, jwt: JWT, env: {}, retry: false });
    onTestFinished(() => client.close());
    const error = await client.listSessions().catch((e: unknown) => e);
    expect(exposed(error)).not.toContain(JWT);
    expect(exposed(error)).not.toContain('c2lnbmF0dXJlLXNlY3JldA');
  });

  it('a full run against the fake, with debug logging, resumes and retries', async () => {
    const fake = await fakeServer({
      apiKeys: [KEY],
      seqZeroThenSilence: true,
      faults: { seed: 2, routes: { 'GET /v1/run/*/events/replay': { serverError: 0.5 } } },
    });
    const { lines, logger } = capturingLogger();
    const client = clientFor(fake, {
      apiKey: KEY,
      logger,
      statusProbeMs: 10,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    await client.streamRun({ task: 't' }).finalResult();
    await client.run({ task: 't' });
    expect(lines.some((line) => line.includes('run stream resume'))).toBe(true);
    expect(lines.join('\n')).not.toContain(KEY);
    expect(inspect(client, { showHidden: true, depth: 4 })).not.toContain(KEY);
  });

  it('the gateway: the auth frame key never appears in errors or logs, even when the server echoes it', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    onTestFinished(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as {
          request_id: string;
          payload: { api_key: string };
        };
        ws.send(`not json but echoes ${frame.payload.api_key}`);
        ws.send(
          JSON.stringify({
            type: 'error',
            request_id: frame.request_id,
            timestamp: 't',
            payload: { code: 'AUTH_FAILED', message: `bad key ${frame.payload.api_key}` },
          }),
        );
      }),
    );
    const { port } = wss.address() as AddressInfo;
    const { lines, logger } = capturingLogger();
    const garbage = await connectGateway({
      url: `ws://127.0.0.1:${port}/ws`,
      apiKey: KEY,
      env: {},
      logger,
    }).catch((e: unknown) => e);
    expect((garbage as Error).message).toContain('[REDACTED]');
    expect(exposed(garbage)).not.toContain(KEY);
    expect(lines.join('\n')).not.toContain(KEY);
    const fake = await fakeServer({ apiKeys: [KEY] });
    const refused = await connectGateway({
      url: fake.wsUrl,
      apiKey: `${KEY}-wrong`,
      env: {},
    }).catch((e: unknown) => e);
    expect(exposed(refused)).not.toContain(KEY);
  });
});
