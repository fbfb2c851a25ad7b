import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsSocket } from 'ws';
import { type FakeAgentSdk, startFakeAgentSdk } from './fake-agent-sdk.js';
import type { FakeAgentSdkOptions } from './options.js';

let fake: FakeAgentSdk | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.close();
  await fake?.close();
  fake = undefined;
});
const start = async (options: FakeAgentSdkOptions = {}): Promise<FakeAgentSdk> => {
  fake = await startFakeAgentSdk(options);
  return fake;
};

interface Frame {
  type: string;
  request_id: string | null;
  timestamp: string;
  payload: Record<string, unknown>;
}

/** A client socket that records every frame (raw text too) and the close. */
async function connect(url: string, protocols?: string[]) {
  const ws = new WebSocket(url, protocols);
  sockets.push(ws);
  const raw: string[] = [];
  const closed = new Promise<number>((resolve) =>
    ws.addEventListener('close', (e) => resolve(e.code)),
  );
  ws.addEventListener('message', (e) => raw.push(String(e.data)));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error('handshake failed')));
  });
  const frames = (): Frame[] => raw.map((text) => JSON.parse(text) as Frame);
  const send = (frame: unknown): void =>
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  /** Wait until `count` frames have arrived. */
  const received = async (count: number): Promise<Frame[]> => {
    await vi.waitFor(() => expect(raw.length).toBeGreaterThanOrEqual(count), {
      timeout: 5000,
      interval: 5,
    });
    return frames();
  };
  return { ws, raw, frames, send, received, closed };
}

const auth = (key: string, id = 'a-1') => ({
  type: 'auth',
  request_id: id,
  timestamp: 'x',
  payload: { api_key: key, client_id: 'c' },
});

describe('WebSocket gateway (docs/protocols/agent-sdk.md §1.10)', () => {
  it('acks a good auth, answers ping, run and subscribe; frames are spaced JSON', async () => {
    const f = await start();
    const c = await connect(f.wsUrl);
    c.send(auth(f.apiKey));
    const [ack] = await c.received(1);
    expect(ack).toMatchObject({ type: 'ack', request_id: 'a-1', payload: { status: 'ok' } });
    expect(c.raw[0]).toContain('"type": "ack", "request_id": "a-1"');
    c.send({ type: 'ping', request_id: 'p-1' });
    expect((await c.received(2))[1]).toMatchObject({
      type: 'pong',
      request_id: 'p-1',
      payload: {},
    });
    c.send({ type: 'run', request_id: 'r-1', payload: { task: 'Summarize' } });
    const runAck = (await c.received(3))[2] as Frame;
    expect(runAck).toMatchObject({ type: 'ack', request_id: 'r-1' });
    const runId = runAck.payload.run_id as string;
    expect(runId).toMatch(/^run_/);
    expect(f.state.runs.get(runId)?.record).toMatchObject({ org_id: 'default', model: null });
    await f.state.runs.get(runId)?.done;
    c.send({ type: 'subscribe', request_id: 's-1', payload: { run_id: runId, from_seq: 0 } });
    const frames = await c.received(8);
    expect(frames[3]).toMatchObject({
      type: 'ack',
      request_id: 's-1',
      payload: { status: 'subscribed' },
    });
    const events = frames.slice(4);
    expect(events.map((e) => [e.type, e.request_id, e.payload.seq])).toEqual([
      ['event', null, 0],
      ['event', null, 1],
      ['event', null, 2],
      ['event', null, 3],
    ]);
    // The history of a finished run ends silently: no end marker, the socket stays open.
    c.send({ type: 'ping', request_id: 'p-2' });
    expect((await c.received(9))[8]).toMatchObject({ type: 'pong', request_id: 'p-2' });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('from_seq is inclusive; a new subscribe replaces the old; unsubscribe is always acked', async () => {
    const f = await start();
    const c = await connect(f.wsUrl);
    c.send(auth(f.apiKey));
    await c.received(1);
    const channel = await fetch(`${f.url}/v1/channels/webhook`, {
      method: 'POST',
      headers: { 'x-api-key': f.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'm' }),
    });
    const { run_id: runId } = (await channel.json()) as { run_id: string };
    c.send({ type: 'subscribe', request_id: 's', payload: { run_id: runId, from_seq: 2 } });
    const frames = await c.received(4);
    expect(frames.slice(2).map((e) => e.payload.seq)).toEqual([2, 3]);
    c.send({ type: 'unsubscribe', request_id: 'u', payload: { run_id: 'run_never' } });
    expect((await c.received(5))[4]).toMatchObject({
      type: 'ack',
      request_id: 'u',
      payload: { status: 'unsubscribed' },
    });
  });

  it('answers request errors with the right codes and request ids', async () => {
    const f = await start();
    const c = await connect(f.wsUrl);
    c.send(auth(f.apiKey));
    await c.received(1);
    c.send({ type: 'run', request_id: 'r', payload: {} });
    c.send({ type: 'subscribe', request_id: 's', payload: { run_id: 'run_missing' } });
    c.send({ type: 'subscribe', request_id: 's2', payload: {} });
    c.send({ type: 'unsubscribe', request_id: 'u', payload: {} });
    c.send({ type: 'dance', request_id: 'd' });
    c.send({ request_id: 'x' });
    c.send('{not json');
    const frames = (await c.received(8)).slice(1);
    expect(frames.map((e) => [e.type, e.request_id, e.payload.code, e.payload.message])).toEqual([
      ['error', 'r', 'INVALID_REQUEST', 'Missing task'],
      ['error', 's', 'RUN_NOT_FOUND', 'Run not found'],
      ['error', 's2', 'INVALID_REQUEST', 'Missing run_id'],
      ['error', 'u', 'INVALID_REQUEST', 'Missing run_id'],
      ['error', 'd', 'INVALID_REQUEST', 'Unknown message type'],
      ['error', null, 'INVALID_REQUEST', 'Missing type'],
      ['error', null, 'INVALID_REQUEST', 'Invalid JSON'],
    ]);
  });

  it('after a failed first auth, a second auth is acked unchecked and the socket stays unauthenticated', async () => {
    const f = await start();
    const c = await connect(f.wsUrl);
    c.send(auth('wrong', 'a-1'));
    c.send(auth(f.apiKey, 'a-2'));
    c.send({ type: 'ping', request_id: 'p' });
    const frames = await c.received(3);
    expect(frames.map((e) => [e.type, e.request_id, e.payload.code ?? e.payload.status])).toEqual([
      ['error', 'a-1', 'AUTH_FAILED'],
      ['ack', 'a-2', 'ok'],
      ['error', 'p', 'AUTH_REQUIRED'],
    ]);
  });

  it('a first frame that is not auth, or not JSON, ends any chance of authenticating', async () => {
    const f = await start();
    const notAuth = await connect(f.wsUrl);
    notAuth.send({ type: 'ping', request_id: 'p' });
    notAuth.send(auth(f.apiKey, 'a'));
    notAuth.send({ type: 'run', request_id: 'r', payload: { task: 't' } });
    expect(
      (await notAuth.received(3)).map((e) => [e.request_id, e.payload.code ?? e.payload.status]),
    ).toEqual([
      ['p', 'AUTH_REQUIRED'],
      ['a', 'ok'],
      ['r', 'AUTH_REQUIRED'],
    ]);
    const garbage = await connect(f.wsUrl);
    garbage.send('nope');
    garbage.send(auth(f.apiKey, 'a'));
    garbage.send({ type: 'ping', request_id: 'p' });
    expect(
      (await garbage.received(3)).map((e) => [e.request_id, e.payload.code ?? e.payload.status]),
    ).toEqual([
      [null, 'INVALID_REQUEST'],
      ['a', 'ok'],
      ['p', 'AUTH_REQUIRED'],
    ]);
  });

  it('a frame that is JSON but not an object, or a non-object payload where one is read, ends the connection', async () => {
    const f = await start();
    const list = await connect(f.wsUrl);
    list.send('[1, 2]');
    expect(await list.closed).toBe(1011);
    const payload = await connect(f.wsUrl);
    payload.send(auth(f.apiKey));
    await payload.received(1);
    payload.send({ type: 'ping', request_id: 'p', payload: 'fine for ping' });
    await payload.received(2);
    payload.send({ type: 'run', request_id: 'r', payload: 'not an object' });
    expect(await payload.closed).toBe(1011);
    expect(payload.frames().map((e) => e.type)).toEqual(['ack', 'pong']);
  });

  it('selects no subprotocol, so a client that offers one fails the handshake', async () => {
    const f = await start();
    await expect(connect(f.wsUrl, ['agent-sdk.v1'])).rejects.toThrow('handshake failed');
    const plain = await connect(f.wsUrl);
    expect(plain.ws.protocol).toBe('');
  });

  it('drops the oldest frames when a connection send queue is full (a seq gap)', async () => {
    const f = await start({
      gatewayQueueSize: 3,
      respond: () => Array.from({ length: 8 }, (_, i) => ({ content: `m${i}` })),
    });
    const c = await connect(f.wsUrl);
    c.send(auth(f.apiKey));
    await c.received(1);
    const channel = await fetch(`${f.url}/v1/channels/webhook`, {
      method: 'POST',
      headers: { 'x-api-key': f.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'm' }),
    });
    const { run_id: runId } = (await channel.json()) as { run_id: string };
    c.send({ type: 'subscribe', request_id: 's', payload: { run_id: runId } });
    c.send({ type: 'ping', request_id: 'p' });
    await vi.waitFor(() => expect(c.frames().some((e) => e.type === 'pong')).toBe(true), {
      interval: 5,
    });
    const seqs = c
      .frames()
      .filter((e) => e.type === 'event')
      .map((e) => e.payload.seq as number);
    // 10 events went through a queue of 3: the history loop enqueues faster than frames are sent.
    expect(seqs.length).toBeLessThan(10);
    expect(seqs.at(-1)).toBe(9);
  });

  it("never pings (liveness is the client's job)", async () => {
    const ping = vi.spyOn(WsSocket.prototype, 'ping');
    const f = await start();
    const c = await connect(f.wsUrl);
    c.send(auth(f.apiKey));
    c.send({ type: 'run', request_id: 'r', payload: { task: 't' } });
    const runId = (await c.received(2))[1]?.payload.run_id as string;
    c.send({ type: 'subscribe', request_id: 's', payload: { run_id: runId } });
    await c.received(7);
    expect(ping).not.toHaveBeenCalled();
    ping.mockRestore();
  });

  it('answers the upgrade with 404 without a WebSocket implementation, 403 off /ws', async () => {
    const f = await start();
    const status = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WsSocket(url);
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('error', () => {});
      });
    expect(await status(`${f.url.replace('http', 'ws')}/v1/ws`)).toBe(403);
    const off = await startFakeAgentSdk({ webSocket: false });
    try {
      expect(await status(off.wsUrl)).toBe(404);
      expect((await fetch(`${off.url}/health`)).status).toBe(200);
    } finally {
      await off.close();
    }
  });

  it('applies dropSeqs to subscriptions too', async () => {
    const f = await start({ dropSeqs: [1] });
    const c = await connect(f.wsUrl);
    c.send(auth(f.apiKey));
    await c.received(1);
    c.send({ type: 'run', request_id: 'r', payload: { task: 't' } });
    const runId = (await c.received(2))[1]?.payload.run_id as string;
    await f.state.runs.get(runId)?.done;
    c.send({ type: 'subscribe', request_id: 's', payload: { run_id: runId, from_seq: 0 } });
    const frames = await c.received(6);
    expect(frames.slice(3).map((e) => e.payload.seq)).toEqual([0, 2, 3]);
    expect(f.state.gatewayConnections).toBe(1);
  });

  it('a non-numeric from_seq fails the subscription task with SERVER_ERROR', async () => {
    const f = await start();
    const c = await connect(f.wsUrl);
    c.send(auth(f.apiKey));
    await c.received(1);
    c.send({ type: 'run', request_id: 'r', payload: { task: 't' } });
    const runId = (await c.received(2))[1]?.payload.run_id as string;
    c.send({ type: 'subscribe', request_id: 's', payload: { run_id: runId, from_seq: 'abc' } });
    const frames = await c.received(4);
    expect(frames[3]).toMatchObject({
      type: 'error',
      request_id: null,
      payload: { code: 'SERVER_ERROR', message: 'Stream failure' },
    });
  });
});
