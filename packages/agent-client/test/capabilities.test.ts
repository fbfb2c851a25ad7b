// The API document's features SATURN lacks (docs/protocols/saturn.md §2.5): refused while off, never faked as working,
// and sent on the wire as the document describes once a caller says the server has them.
import { AbortError, StreamError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { AgentClient, CapabilityNotEnabledError } from '../src/index.js';
import {
  agentBody,
  clientFor,
  fakeSaturn,
  rejection,
  scriptedServer,
  sendJson,
} from './helpers.js';
import { startWsServer } from './ws-server.js';

describe('capabilities are off by default', () => {
  it('refuses pagination, idempotency keys, sessions and streaming before sending anything', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    expect(client.capabilities).toEqual({
      pagination: false,
      idempotencyKeys: false,
      sessions: false,
      chatStreaming: false,
    });
    const refused: [Promise<unknown>, string][] = [
      [client.listAgents({ limit: 10 }), 'pagination'],
      [client.listTools({ cursor: 'abc' }), 'pagination'],
      [client.listInvoices({ limit: 1 }), 'pagination'],
      [client.listDocuments('a', { limit: 1 }), 'pagination'],
      [client.createAgent(agentBody, { idempotencyKey: 'k-1' }), 'idempotencyKeys'],
      [client.listSessions(), 'sessions'],
      [client.getSession('s'), 'sessions'],
      [client.listSessionMessages('s'), 'sessions'],
      [client.closeSession('s'), 'sessions'],
    ];
    for (const [call, capability] of refused) {
      const error = (await rejection(call)) as CapabilityNotEnabledError;
      expect(error).toBeInstanceOf(CapabilityNotEnabledError);
      expect(error.capability).toBe(capability);
      expect(error.message).toContain("in SATURN's API document but not implemented by the server");
      expect(error.message).toContain(
        `Set capabilities.${capability}: true only if your SATURN server implements it.`,
      );
    }
    expect(() => client.streamChat('a', 'hi')).toThrow(CapabilityNotEnabledError);
    expect(fake.requests).toHaveLength(0);
    const bad = rejection(
      Promise.resolve().then(() =>
        clientFor(fake, 't', { capabilities: { paging: true } as never }),
      ),
    );
    expect(String(await bad)).toContain('capabilities.paging: unknown capability');
  });

  it('sends no Idempotency-Key and never retries a write while idempotency is off', async () => {
    const server = await scriptedServer((_seen, res) => sendJson(res, 503, { detail: 'busy' }));
    const client = new AgentClient({
      baseUrl: server.url,
      token: 'sk_k_0001',
      env: {},
      retry: { baseDelayMs: 1 },
    });
    await rejection(client.createAgent(agentBody));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers['idempotency-key']).toBeUndefined();
  });
});

describe('capabilities turned on', () => {
  it('pagination sends limit and cursor and reads meta.next_cursor', async () => {
    const server = await scriptedServer((seen, res) => {
      const cursor = new URL(seen.url, 'http://x').searchParams.get('cursor');
      sendJson(res, 200, {
        data: { agents: [] },
        meta: { request_id: 'p', next_cursor: cursor ? null : 'page-2' },
      });
    });
    const client = new AgentClient({
      baseUrl: server.url,
      token: 'sk_k_0001',
      env: {},
      capabilities: { pagination: true },
    });
    const first = await client.listAgents({ limit: 2, type: 'chat' });
    expect(first.nextCursor).toBe('page-2');
    const second = await client.listAgents({ limit: 2, cursor: first.nextCursor });
    expect(second.nextCursor).toBeUndefined();
    expect(server.requests.map((r) => r.url)).toEqual([
      '/agents?type=chat&limit=2',
      '/agents?limit=2&cursor=page-2',
    ]);
    expect(Object.keys(first)).toEqual(['agents']);
    await expect(client.listAgents({ limit: 0 })).rejects.toThrow(
      'limit: expected a positive integer',
    );
  });

  it('pagination against the real server: the parameters are ignored and everything comes back', async () => {
    const fake = await fakeSaturn();
    for (let i = 0; i < 3; i++) fake.addAgent();
    const client = clientFor(fake, fake.userToken(), { capabilities: { pagination: true } });
    const page = await client.listAgents({ limit: 1 });
    expect(page.agents).toHaveLength(3);
    expect(page.nextCursor).toBeUndefined();
  });

  it('idempotency keys: one key per call, the same on every retry of a write', async () => {
    let attempts = 0;
    const server = await scriptedServer((_seen, res) => {
      attempts++;
      if (attempts < 3) sendJson(res, 503, { detail: 'busy' });
      else sendJson(res, 200, { data: { agent_id: 'a', version: 1 }, meta: { request_id: 'r' } });
    });
    const client = new AgentClient({
      baseUrl: server.url,
      token: 'sk_k_0001',
      env: {},
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      capabilities: { idempotencyKeys: true },
    });
    await client.createAgent(agentBody);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[\da-f-]{36}$/);
    attempts = 2;
    await client.chat('a', 'hi', { idempotencyKey: 'mine-1' }).catch(() => undefined);
    expect(server.requests.at(-1)?.headers['idempotency-key']).toBe('mine-1');
    // Reads carry no key.
    attempts = 2;
    await client.getUsageSummary('2025-12').catch(() => undefined);
    expect(server.requests.at(-1)?.headers['idempotency-key']).toBeUndefined();
  });

  it("sessions use the API document's routes", async () => {
    const server = await scriptedServer((seen, res) => {
      const data = seen.url.startsWith('/sessions?')
        ? { sessions: [{ session_id: 's1', agent_id: 'a', state: 'open' }] }
        : seen.url.endsWith('/messages')
          ? { messages: [{ role: 'user', content: 'hi' }] }
          : { session_id: 's1', state: seen.method === 'POST' ? 'closed' : 'open' };
      sendJson(res, 200, { data, meta: { request_id: 'r' } });
    });
    const client = new AgentClient({
      baseUrl: server.url,
      token: 'sk_k_0001',
      env: {},
      capabilities: { sessions: true },
    });
    expect(
      (await client.listSessions({ agentId: 'a', state: 'open' })).sessions[0]?.session_id,
    ).toBe('s1');
    expect((await client.getSession('s1')).state).toBe('open');
    expect((await client.listSessionMessages('s1')).messages).toEqual([
      { role: 'user', content: 'hi' },
    ]);
    expect(await client.closeSession('s1')).toEqual({ session_id: 's1', state: 'closed' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /sessions?agent_id=a&state=open',
      'GET /sessions/s1',
      'GET /sessions/s1/messages',
      'POST /sessions/s1/close',
    ]);
  });
});

describe('chat streaming (capability on)', () => {
  it('sends the message and yields token, final and usage events until the server closes', async () => {
    const server = await startWsServer(async (peer) => {
      const first = JSON.parse(await peer.next()) as Record<string, unknown>;
      peer.send(JSON.stringify({ type: 'token', text: `Echo: ${String(first.message)}` }));
      peer.send(JSON.stringify({ type: 'final', reply: 'Echo: hi' }));
      peer.send(JSON.stringify({ type: 'usage', tokens_in: 1, tokens_out: 2 }));
      peer.close();
    });
    let seen: import('node:http').IncomingMessage | undefined;
    server.server.prependListener('upgrade', (request) => {
      seen = request;
    });
    const token = () => Promise.resolve('sk_stream_key_0001');
    const client = new AgentClient({
      baseUrl: server.url,
      token,
      env: {},
      capabilities: { chatStreaming: true },
    });
    const events = [];
    for await (const event of client.streamChat(
      'agent-1',
      { message: 'hi', session_id: 's-9', metadata: { a: 1 } },
      { requestId: 'ws-1' },
    )) {
      events.push(event);
    }
    expect(events.map((e) => e.type)).toEqual(['token', 'final', 'usage']);
    expect(seen?.url).toBe('/agents/agent-1/chat/stream?session_id=s-9');
    expect(seen?.headers.authorization).toBe('Bearer sk_stream_key_0001');
    expect(seen?.headers['x-request-id']).toBe('ws-1');
  });

  it('turns an error event, an early close and garbage into StreamErrors', async () => {
    const scripts: ((peer: import('./ws-server.js').WsPeer) => void)[] = [
      (peer) => peer.send(JSON.stringify({ type: 'error', message: 'model unavailable' })),
      (peer) => {
        peer.send(JSON.stringify({ type: 'token', text: 'a' }));
        peer.close(1011);
      },
      (peer) => peer.send('not json'),
    ];
    const expected = [
      ['server_error', 'the server sent an error event: model unavailable'],
      ['truncated', 'closed (code 1011) before a final event'],
      ['malformed', 'a frame is not a JSON event with a type'],
    ];
    for (const [i, script] of scripts.entries()) {
      const server = await startWsServer(async (peer) => {
        await peer.next();
        script(peer);
      });
      const client = new AgentClient({
        baseUrl: server.url,
        token: 'sk_k_0001',
        env: {},
        capabilities: { chatStreaming: true },
      });
      const error = (await rejection(
        (async () => {
          for await (const _event of client.streamChat('a', 'hi')) {
            // drain
          }
        })(),
      )) as StreamError;
      expect(error).toBeInstanceOf(StreamError);
      expect(error.code).toBe(expected[i]?.[0]);
      expect(error.message).toContain(expected[i]?.[1]);
    }
  });

  it('stops on abort and on a silent server, and fails against the real SATURN', async () => {
    const server = await startWsServer(() => {});
    const idle = new AgentClient({
      baseUrl: server.url,
      token: 'sk_k_0001',
      env: {},
      timeoutMs: 200,
      capabilities: { chatStreaming: true },
    });
    const silent = await rejection(
      (async () => {
        for await (const _event of idle.streamChat('a', 'hi')) {
          // never
        }
      })(),
    );
    expect((silent as Error).message).toContain('sent nothing for 200 ms');
    const controller = new AbortController();
    const abortOnConnect = await startWsServer(async (peer) => {
      await peer.next();
      controller.abort();
    });
    const abortable = new AgentClient({
      baseUrl: abortOnConnect.url,
      token: 'sk_k_0001',
      env: {},
      capabilities: { chatStreaming: true },
    });
    const stream = abortable.streamChat('a', 'hi', { signal: controller.signal });
    const aborted = await rejection(
      (async () => {
        for await (const _event of stream) {
          // never
        }
      })(),
    );
    expect(aborted).toBeInstanceOf(AbortError);

    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken(), { capabilities: { chatStreaming: true } });
    const refused = (await rejection(
      (async () => {
        for await (const _event of client.streamChat(fake.addAgent().agent_id, 'hi')) {
          // never
        }
      })(),
    )) as StreamError;
    expect(refused).toBeInstanceOf(StreamError);
    expect(refused.message).toContain('the WebSocket failed');
  });

  it('ends open streams when the client is closed', async () => {
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const server = await startWsServer(async (peer) => {
      await peer.next();
      connected();
    });
    const client = new AgentClient({
      baseUrl: server.url,
      token: 'sk_k_0001',
      env: {},
      capabilities: { chatStreaming: true },
    });
    const stream = client.streamChat('a', 'hi');
    const drained = (async () => {
      const events = [];
      for await (const event of stream) events.push(event);
      return events;
    })();
    await ready;
    await client.close();
    await expect(drained).resolves.toEqual([]);
  });
});
