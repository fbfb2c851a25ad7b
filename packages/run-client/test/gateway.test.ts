import type { AddressInfo } from 'node:net';
import {
  AbortError,
  ConfigurationError,
  ConnectionError,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { connectGateway, GatewayError, type GatewayOptions, RunStreamError } from '../src/index.js';
import { clientFor, fakeServer, seqsOf } from './helpers.js';

const messages = (n: number) => () => Array.from({ length: n }, (_, i) => ({ content: `m${i}` }));

/** Connect to `url`, closing the client when the test ends. */
async function gateway(options: GatewayOptions) {
  const client = await connectGateway({ env: {}, ...options });
  onTestFinished(() => client.close());
  return client;
}

/** A scripted WebSocket server: `onFrame` sees every parsed client frame. */
async function scriptedServer(onFrame: (ws: WsSocket, frame: Record<string, unknown>) => void) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => false });
  const protocols: (string | undefined)[] = [];
  let connections = 0;
  wss.on('connection', (ws, req) => {
    connections++;
    protocols.push(req.headers['sec-websocket-protocol']);
    ws.on('message', (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      onFrame(ws, frame);
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  const { port } = wss.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/ws`, wss, protocols, connections: () => connections };
}

const reply = (ws: WsSocket, type: string, requestId: unknown, payload: Record<string, unknown>) =>
  ws.send(JSON.stringify({ type, request_id: requestId, timestamp: 't', payload }));

describe('gateway (docs/protocols/agent-sdk.md §1.10)', () => {
  it('authenticates first, pings, runs and streams a run to its terminal event', async () => {
    const fake = await fakeServer({ respond: messages(3) });
    const client = await gateway({ url: fake.wsUrl, apiKey: fake.apiKey, clientId: 'tests' });
    expect(client.connected).toBe(true);
    expect(await client.ping()).toBeGreaterThanOrEqual(0);
    const ack = await client.run({ task: 'over the gateway' });
    expect(ack.run_id).toMatch(/^run_/);
    const stream = client.subscribe(ack.run_id);
    expect(await seqsOf(stream)).toEqual([0, 1, 2, 3, 4]);
    expect((await stream.finalResult()).status).toBe('completed');
    const streamed = client.streamRun({ task: 'again' });
    const texts: string[] = [];
    for await (const text of streamed.textStream) texts.push(text);
    expect(texts).toEqual(['m0', 'm1', 'm2']);
    expect(fake.state.gatewayConnections).toBe(1);
  });

  it('accepts an http(s) base URL and reads the key from a function on every connect', async () => {
    const fake = await fakeServer();
    let asked = 0;
    const client = await gateway({
      url: fake.url,
      apiKey: () => {
        asked++;
        return fake.apiKey;
      },
    });
    expect(await seqsOf(client.streamRun({ task: 't' }))).toEqual([0, 1, 2, 3]);
    expect(asked).toBe(1);
  });

  it('a refused auth rejects with GatewayError and closes the socket', async () => {
    const fake = await fakeServer();
    const error = await connectGateway({ url: fake.wsUrl, apiKey: 'wrong', env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', frameType: 'auth' });
    expect((error as Error).message).toBe(
      'The gateway refused authentication: AUTH_FAILED Invalid API key',
    );
    expect((error as Error).message).not.toContain('wrong');
    await vi.waitFor(() => expect(fake.state.gatewayConnections).toBe(0), { interval: 5 });
  });

  it('trusts only the first reply: an error first is a failure even when an ack follows', async () => {
    const server = await scriptedServer((ws, frame) => {
      if (frame.type === 'auth') {
        reply(ws, 'error', frame.request_id, { code: 'AUTH_REQUIRED', message: 'Auth required' });
        reply(ws, 'ack', frame.request_id, { status: 'ok' });
      }
    });
    const error = await connectGateway({
      url: server.url,
      apiKey: 'k',
      env: {},
      reconnect: false,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GatewayError', code: 'AUTH_REQUIRED' });
    const garbage = await scriptedServer((ws) => ws.send('hello?'));
    const bad = await connectGateway({ url: garbage.url, apiKey: 'k', env: {} }).catch(
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(StreamError);
    expect(bad).toMatchObject({ code: 'malformed' });
    const other = await scriptedServer((ws, frame) => reply(ws, 'pong', frame.request_id, {}));
    const wrongType = await connectGateway({ url: other.url, apiKey: 'k', env: {} }).catch(
      (e: unknown) => e,
    );
    expect(wrongType).toMatchObject({
      code: 'AUTH_FAILED',
      message: 'The gateway answered the auth frame with "pong" instead of an ack',
    });
  });

  it('offers no subprotocol unless asked; the real server selects none, so offering one fails', async () => {
    const server = await scriptedServer((ws, frame) =>
      reply(ws, 'ack', frame.request_id, { status: 'ok' }),
    );
    await gateway({ url: server.url, apiKey: 'k' });
    expect(server.protocols).toEqual([undefined]);
    const fake = await fakeServer();
    const error = await connectGateway({
      url: fake.wsUrl,
      apiKey: fake.apiKey,
      env: {},
      protocols: 'agent-sdk.v1',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /^The WebSocket to 127\.0\.0\.1:\d+ (failed|closed) before it was authenticated/,
    );
  });

  it('a server without WebSocket support (404 upgrade) is a ConnectionError naming the host', async () => {
    const fake = await fakeServer({ webSocket: false });
    const error = await connectGateway({ url: fake.wsUrl, apiKey: fake.apiKey, env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(new URL(fake.url).host);
  });

  it('request errors come back typed, matched by request_id', async () => {
    const fake = await fakeServer();
    const client = await gateway({ url: fake.wsUrl, apiKey: fake.apiKey });
    const notFound = await client
      .subscribe('run_missing')
      .finalResult()
      .catch((e: unknown) => e);
    expect(notFound).toMatchObject({
      name: 'GatewayError',
      code: 'RUN_NOT_FOUND',
      frameType: 'subscribe',
    });
    await expect(client.unsubscribe('run_never')).resolves.toBeUndefined();
    await expect(client.run({ task: '  ' })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('a request without a reply times out; a silent connection is declared dead and reconnected', async () => {
    const server = await scriptedServer((ws, frame) => {
      if (frame.type === 'auth') reply(ws, 'ack', frame.request_id, { status: 'ok' });
    });
    const client = await gateway({
      url: server.url,
      apiKey: 'k',
      requestTimeoutMs: 30,
      pingIntervalMs: 20,
      livenessTimeoutMs: 60,
      reconnect: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const error = await client.run({ task: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('The gateway did not answer a run frame within 30 ms');
    await vi.waitFor(() => expect(client.reconnects).toBeGreaterThanOrEqual(1), {
      timeout: 5000,
      interval: 10,
    });
    expect(server.connections()).toBeGreaterThanOrEqual(2);
  });

  it('without reconnection, a drop fails the open subscriptions', async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const client = await gateway({ url: fake.wsUrl, apiKey: fake.apiKey, reconnect: false });
    const { run_id: runId } = await client.run({ task: 't' });
    const stream = client.subscribe(runId);
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value?.seq).toBe(0);
    const pending = it.next();
    await fake.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionError);
    expect(client.connected).toBe(false);
  });
});

describe('gateway subscriptions stay gap-free (docs/protocols/agent-sdk.md §1.10)', () => {
  it('reconnects after a drop and resubscribes from lastSeq + 1: every event once', async () => {
    const fake = await fakeServer({ respond: messages(10), runDelayMs: 5, messageDelayMs: 3 });
    const client = await gateway({
      url: fake.wsUrl,
      apiKey: fake.apiKey,
      reconnect: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const { run_id: runId } = await client.run({ task: 't' });
    const seqs: number[] = [];
    for await (const event of client.subscribe(runId)) {
      seqs.push(event.seq!);
      if (event.seq === 3) expect(fake.dropGatewayConnections()).toBe(1);
    }
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(client.reconnects).toBe(1);
  });

  it('fills gaps by resubscribing (dropped seqs and a full send queue)', async () => {
    const fake = await fakeServer({ dropSeqs: [2], respond: messages(4) });
    const client = await gateway({
      url: fake.wsUrl,
      apiKey: fake.apiKey,
      subscriptionIdleTimeoutMs: 200,
      maxResubscribes: 3,
    });
    const stream = client.streamRun({ task: 't' });
    const error = await stream.finalResult().catch((e: unknown) => e);
    // seq 2 is never sent on any subscription: after the resubscriptions the gap is reported.
    expect(error).toBeInstanceOf(RunStreamError);
    expect(error).toMatchObject({ code: 'gap', lastSeq: 1 });
    // A send queue smaller than the history drops the oldest frames of every resubscription,
    // so the gap can only be filled from the HTTP replay.
    const queue = await fakeServer({ gatewayQueueSize: 3, respond: messages(8) });
    const ack = await (await gateway({ url: queue.wsUrl, apiKey: queue.apiKey })).run({
      task: 't',
    });
    await queue.state.runs.get(ack.run_id)?.done;
    const starved = await gateway({
      url: queue.wsUrl,
      apiKey: queue.apiKey,
      requestTimeoutMs: 50,
      maxResubscribes: 2,
    });
    const lost = await starved
      .subscribe(ack.run_id)
      .finalResult()
      .catch((e: unknown) => e);
    expect(lost).toMatchObject({ name: 'RunStreamError', code: 'gap' });
    expect((lost as RunStreamError).lastSeq).toBeLessThan(9);
    const http = clientFor(queue);
    const filled = await gateway({
      url: queue.wsUrl,
      apiKey: queue.apiKey,
      replay: (runId, fromSeq, signal) =>
        http.replayEvents(runId, { fromSeq, signal }).then((page) => page.events),
    });
    expect(await seqsOf(filled.subscribe(ack.run_id))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it(`delivers every event once under seeded dropped events and cut connections (30 seeds)`, async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const fake = await fakeServer({
        respond: messages(8),
        runDelayMs: 2,
        messageDelayMs: 1,
        faults: { seed, routes: { 'GET /ws': { dropEvent: 0.15, cutStream: 0.05 } } },
      });
      const client = await connectGateway({
        url: fake.wsUrl,
        apiKey: fake.apiKey,
        env: {},
        subscriptionIdleTimeoutMs: 40,
        maxResubscribes: 20,
        reconnect: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 },
      });
      try {
        expect(await seqsOf(client.streamRun({ task: `seed ${seed}` })), `seed ${seed}`).toEqual([
          0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        ]);
      } finally {
        await client.close();
        await fake.close();
      }
    }
  }, 60_000);
});

describe('gateway bad input (docs/protocols/agent-sdk.md §1.10)', () => {
  it('reports garbage frames as typed errors and fails only the subscription a bad event names', async () => {
    const errors: Error[] = [];
    const server = await scriptedServer((ws, frame) => {
      if (frame.type === 'auth') reply(ws, 'ack', frame.request_id, { status: 'ok' });
      if (frame.type === 'subscribe') {
        reply(ws, 'ack', frame.request_id, { status: 'subscribed' });
        ws.send('not json at all');
        ws.send(Buffer.from([1, 2, 3]));
        ws.send('[1, 2]');
        ws.send(
          JSON.stringify({
            type: 'event',
            request_id: null,
            timestamp: 't',
            payload: { run_id: 'run_other', seq: 'x' },
          }),
        );
        ws.send(JSON.stringify({ type: 'mystery', request_id: null, timestamp: 't', payload: {} }));
        ws.send('x'.repeat(5000));
        ws.send(
          JSON.stringify({
            type: 'error',
            request_id: null,
            timestamp: 't',
            payload: { code: 'SERVER_ERROR', message: 'Stream failure' },
          }),
        );
        ws.send(
          JSON.stringify({
            type: 'event',
            request_id: null,
            timestamp: 't',
            payload: {
              run_id: 'run_a',
              session_id: 's',
              stream: 'lifecycle',
              event: 'start',
              payload: {},
              timestamp: 't',
              seq: 0,
            },
          }),
        );
        ws.send(
          JSON.stringify({
            type: 'event',
            request_id: null,
            timestamp: 't',
            payload: { run_id: 'run_a', seq: -1 },
          }),
        );
      }
    });
    const client = await gateway({
      url: server.url,
      apiKey: 'k',
      onError: (e) => errors.push(e),
      maxFrameBytes: 1000,
    });
    const stream = client.subscribe('run_a');
    const seqs: number[] = [];
    const failure = await (async () => {
      for await (const e of stream) seqs.push(e.seq!);
    })().catch((e: unknown) => e);
    expect(seqs).toEqual([0]);
    expect(failure).toMatchObject({
      name: 'RunStreamError',
      code: 'malformed',
      lastSeq: 0,
      runId: 'run_a',
    });
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(6), { interval: 5 });
    expect(errors.map((e) => (e as { code?: string }).code ?? e.name)).toEqual([
      'malformed',
      'malformed',
      'ResponseValidationError',
      'ResponseValidationError',
      'oversized',
      'SERVER_ERROR',
    ]);
    expect(client.connected).toBe(true);
  });

  it('rejects bad settings up front, every problem at once', async () => {
    await expect(
      connectGateway({ url: 'ftp://x', env: {}, requestTimeoutMs: -1 }),
    ).rejects.toMatchObject({
      name: 'ConfigurationError',
      problems: [
        { setting: 'url', message: expect.stringContaining('ws(s)://') },
        { setting: 'apiKey', message: expect.stringContaining('AGENT_SDK_API_KEY') },
        { setting: 'requestTimeoutMs', message: expect.stringContaining('-1') },
      ],
    });
    await expect(
      connectGateway({
        url: 'ws://127.0.0.1:1/ws',
        apiKey: 'k',
        env: {},
        WebSocket: 'nope' as never,
      }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('close() ends open subscriptions with AbortError', async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const client = await gateway({ url: fake.wsUrl, apiKey: fake.apiKey });
    const { run_id: runId } = await client.run({ task: 't' });
    const result = client.subscribe(runId).finalResult();
    await vi.waitFor(() => expect(fake.state.runs.get(runId)?.queue?.waiting).toBe(1), {
      interval: 5,
    });
    await client.close();
    await expect(result).rejects.toBeInstanceOf(AbortError);
    await expect(client.run({ task: 't' })).rejects.toBeInstanceOf(AbortError);
    await vi.waitFor(() => expect(fake.state.gatewayConnections).toBe(0), { interval: 5 });
  });
});
