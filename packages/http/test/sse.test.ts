import { getEventListeners } from 'node:events';
import {
  AbortError,
  ConfigurationError,
  NotFoundError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import { createSeededRandom } from '@uplink/testing';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient, type SSEMessage, streamSSE } from '../src/index.js';
import { scriptedServer } from './helpers.js';
import { fixtures } from './sse-fixtures.js';

const events = {
  started: v.looseObject({ queue_position: v.number(), predicted_start_ms: v.number() }),
  token: v.object({ t: v.string(), i: v.number() }),
  metrics: v.looseObject({}),
  end: v.looseObject({}),
};

afterEach(() => vi.useRealTimers());

/** A response whose body delivers exactly these chunks. */
function chunked(chunks: Uint8Array[], init: ResponseInit = { status: 200 }): Response {
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[i++];
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    }),
    init,
  );
}

async function collect(chunks: Uint8Array[], terminal: string[] = ['end']) {
  const out: SSEMessage<typeof events, 'pass'>[] = [];
  const stream = streamSSE(async () => chunked(chunks), {
    events,
    terminal: terminal as never,
    unknownEvents: 'pass',
  });
  for await (const message of stream) out.push(message);
  return out.map(({ event, data, id }) =>
    id === undefined ? { event, data } : { event, data, id },
  );
}

function splitAt(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  return out;
}

describe('streamSSE framing', () => {
  for (const fixture of fixtures) {
    const bytes = new TextEncoder().encode(fixture.body);
    it(`${fixture.name}: whole, and split at every byte boundary`, async () => {
      expect(await collect([bytes])).toEqual(fixture.expected);
      for (let k = 0; k <= bytes.length; k++) {
        expect(await collect(splitAt(bytes, [k])), `split at ${k}`).toEqual(fixture.expected);
      }
      const single = Array.from(bytes, (_b, k) => bytes.subarray(k, k + 1));
      expect(await collect(single)).toEqual(fixture.expected);
    });
    it(`${fixture.name}: seeded random chunkings`, async () => {
      const random = createSeededRandom(fixture.body.length);
      for (let round = 0; round < 100; round++) {
        const points: number[] = [];
        for (let p = 0; p < bytes.length; p += 1 + Math.floor(random() * 12)) points.push(p);
        expect(await collect(splitAt(bytes, points)), `round ${round}`).toEqual(fixture.expected);
      }
    });
  }

  it('drops unknown events when asked, and by default when events has schemas (logged at debug)', async () => {
    const body = 'event: ping\ndata: {}\n\nevent: end\ndata: {}\n\n';
    for (const unknownEvents of ['drop', undefined] as const) {
      const out: unknown[] = [];
      const debug = vi.fn();
      const stream = streamSSE(async () => chunked([new TextEncoder().encode(body)]), {
        events,
        terminal: ['end'],
        logger: { debug, info: vi.fn(), warn: vi.fn(), error: vi.fn() },
        ...(unknownEvents ? { unknownEvents } : {}),
      });
      for await (const m of stream) out.push(m.event);
      expect(out).toEqual(['end']);
      expect(debug).toHaveBeenCalledWith('sse event dropped (no schema)', {
        event: 'ping',
        lastEventId: undefined,
      });
    }
    // With no schemas at all, every event passes (there is nothing to type it by).
    const names: string[] = [];
    for await (const m of streamSSE(async () => chunked([new TextEncoder().encode(body)])))
      names.push(m.event);
    expect(names).toEqual(['ping', 'end']);
  });

  it('passes events named like Object.prototype members untyped instead of crashing', async () => {
    const body =
      'event: toString\ndata: "x"\n\nevent: constructor\ndata: 1\n\nevent: end\ndata: {}\n\n';
    const out: unknown[] = [];
    const stream = streamSSE(async () => chunked([new TextEncoder().encode(body)]), {
      events,
      terminal: ['end'],
      unknownEvents: 'pass',
    });
    for await (const m of stream) out.push([m.event, m.data]);
    expect(out).toEqual([
      ['toString', 'x'],
      ['constructor', 1],
      ['end', {}],
    ]);
    const dropped: unknown[] = [];
    const byDefault = streamSSE(async () => chunked([new TextEncoder().encode(body)]), {
      events,
      terminal: ['end'],
    });
    for await (const m of byDefault) dropped.push(m.event);
    expect(dropped).toEqual(['end']);
  });

  it('validates events that change shape mid-stream (the fast check falls back to the schema)', async () => {
    const body =
      'event: token\ndata: {"t":"a","i":0}\n\nevent: token\ndata: {"i":1,"t":"b","x":2}\n\n' +
      'event: token\ndata: {"t":"c"}\n\nevent: end\ndata: {}\n\n';
    const out: unknown[] = [];
    const stream = streamSSE(async () => chunked([new TextEncoder().encode(body)]), {
      events,
      terminal: ['end'],
    });
    const error = await (async () => {
      for await (const m of stream) out.push(m.data);
    })().catch((e: unknown) => e);
    expect(out).toEqual([
      { t: 'a', i: 0 },
      { i: 1, t: 'b' },
    ]);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('i');
  });

  it('uses defaultEvent for nameless data (llama-orch: token)', async () => {
    const body = 'data: {"t":"a","i":0}\n\nevent: end\ndata: {}\n\n';
    const stream = streamSSE(async () => chunked([new TextEncoder().encode(body)]), {
      events,
      terminal: ['end'],
      defaultEvent: 'token',
    });
    const out: unknown[] = [];
    for await (const m of stream) out.push(m);
    expect(out[0]).toEqual({ event: 'token', data: { t: 'a', i: 0 }, id: undefined });
  });

  it('ends normally at end of body when no terminal is given', async () => {
    const body = new TextEncoder().encode('data: 1\n\ndata: 2\n\n');
    const out: unknown[] = [];
    for await (const m of streamSSE(async () => chunked([body]))) out.push(m.data);
    expect(out).toEqual([1, 2]);
  });
});

describe('streamSSE failures', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('raises StreamError(truncated) when the body ends before a terminal event', async () => {
    const error = await collect([
      enc('event: token\ndata: {"t":"a","i":0}\n\nevent: end\ndata: {"tok'),
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).code).toBe('truncated');
    expect((error as Error).message).toContain('before a terminal event (end)');
  });

  it('raises StreamError(malformed) for a 200 HTML page or JSON answer instead of an empty stream', async () => {
    const { url } = await scriptedServer(
      {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        raw: `<html><head><title>Sign in - Corp Proxy</title></head><body>${'x'.repeat(9000)}</body></html>`,
      },
      { status: 200, body: { detail: 'use POST for tok-secret-123' } },
    );
    const client = createHttpClient({ baseUrl: url, secrets: ['tok-secret-123'] });
    const html = await client
      .streamSSE('/events', { events, terminal: ['end'] })
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(html).toBeInstanceOf(StreamError);
    expect((html as StreamError).code).toBe('malformed');
    expect((html as Error).message).toBe(
      'Expected an event stream (Content-Type text/event-stream), but the server sent text/html; charset=utf-8: HTML page: Sign in - Corp Proxy',
    );
    const json = client.streamSSE('/events', { events });
    await expect(json.response).rejects.toThrow(/server sent application\/json: "\{"detail"/);
    const error = await json[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).not.toContain('tok-secret-123');
    expect(JSON.stringify((error as StreamError).toJSON())).not.toContain('tok-secret-123');
    await client.close();
  });

  it('parses bodies without a content type or with text/plain (lenient servers)', async () => {
    const body = enc('data: 1\n\n');
    const plain = streamSSE(async () =>
      chunked([body], { headers: { 'content-type': 'text/plain' } }),
    );
    const out: unknown[] = [];
    for await (const m of plain) out.push(m.data);
    expect(out).toEqual([1]);
  });

  it('rejects bad stream settings with one ConfigurationError, when the stream is created', () => {
    const open = async () => chunked([]);
    let error: unknown;
    try {
      streamSSE(open, {
        events: { token: 'not a schema' as never },
        terminal: 'end' as never,
        idleTimeoutMs: Number.NaN,
        maxEventBytes: -1,
        unknownEvents: 'keep' as never,
        reconnect: { maxAttempts: 1.5 },
        defaultEvent: 3 as never,
        signal: {} as never,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((p) => p.setting)).toEqual([
      'events.token',
      'terminal',
      'idleTimeoutMs',
      'maxEventBytes',
      'unknownEvents',
      'reconnect.maxAttempts',
      'defaultEvent',
      'signal',
    ]);
    expect(() => streamSSE(open, { reconnect: { maxAttempts: 1, delayMs: -5 } })).toThrow(
      /reconnect\.delayMs/,
    );
    expect(() => streamSSE(open, { events: [] as never })).toThrow(/events/);
    expect(() =>
      streamSSE(open, {
        idleTimeoutMs: 0,
        maxEventBytes: 10,
        reconnect: false,
        unknownEvents: 'drop',
      }),
    ).not.toThrow();
  });

  it('raises StreamError(truncated) for an empty body or none', async () => {
    await expect(collect([])).rejects.toMatchObject({ code: 'truncated' });
    const none = streamSSE(async () => new Response(null, { status: 200 }), { terminal: ['end'] });
    await expect(none[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'truncated' });
  });

  it('raises StreamError(oversized) instead of buffering a huge event', async () => {
    const big = `event: token\ndata: ${'x'.repeat(5000)}`;
    const stream = streamSSE(async () => chunked([enc(big), enc(big)]), {
      events,
      maxEventBytes: 4096,
    });
    const error = await stream[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).code).toBe('oversized');
  });

  it('raises StreamError(malformed) for non-JSON data of a known event', async () => {
    const error = await collect([enc('event: token\ndata: {oops\n\n')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).code).toBe('malformed');
    expect((error as StreamError).event).toBe('token');
  });

  it('raises ResponseValidationError for data that does not match its schema', async () => {
    const error = await collect([enc('event: token\ndata: {"t":1,"i":0}\n\n')]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('SSE event "token"');
    expect((error as ResponseValidationError).path).toBe('t');
  });

  it('raises TimeoutError(idle) when no bytes arrive, separate from a slow start', async () => {
    vi.useFakeTimers();
    const stream = streamSSE(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(enc('event: token\ndata: {"t":"a","i":0}\n\n'));
            },
          }),
        ),
      { events, idleTimeoutMs: 1000 },
    );
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ event: 'token' });
    const next = iterator.next();
    next.catch(() => {});
    await vi.advanceTimersByTimeAsync(999);
    await vi.advanceTimersByTimeAsync(1);
    const error = await next.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('idle');
  });

  it('does not count time the consumer spends as idle time', async () => {
    vi.useFakeTimers();
    const stream = streamSSE(
      async () =>
        chunked([enc('event: token\ndata: {"t":"a","i":0}\n\n'), enc('event: end\ndata: {}\n\n')]),
      { events, terminal: ['end'], idleTimeoutMs: 1000 },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await vi.advanceTimersByTimeAsync(5000);
    expect((await iterator.next()).value).toMatchObject({ event: 'end' });
    expect((await iterator.next()).done).toBe(true);
  });

  it('maps a non-2xx first response to ApiError', async () => {
    const stream = streamSSE(async () => new Response('{"detail":"no task"}', { status: 404 }), {});
    await expect(stream.response).rejects.toBeInstanceOf(NotFoundError);
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('maps an open() failure to ConnectionError', async () => {
    const stream = streamSSE(async () => {
      throw new TypeError('fetch failed');
    }, {});
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow(/fetch failed/);
  });
});

describe('streamSSE over the client (loopback)', () => {
  it('streams typed events, exposes the response, and aborts when the loop breaks', async () => {
    let closed!: () => void;
    const serverClosed = new Promise<void>((r) => {
      closed = r;
    });
    const { url, seen } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-correlation-id': 'c-1' });
      res.write('event: started\ndata: {"queue_position":0,"predicted_start_ms":0}\n\n');
      res.write('event: token\ndata: {"t":"a","i":0}\n\n');
      res.on('close', () => closed());
    });
    const client = createHttpClient({
      baseUrl: url,
      auth: () => ({ authorization: 'Bearer abcdef' }),
    });
    const signal = new AbortController().signal;
    const stream = client.streamSSE('/v1/tasks/t1/stream', { events, terminal: ['end'], signal });
    expect((await stream.response).headers.get('x-correlation-id')).toBe('c-1');
    const names: string[] = [];
    for await (const message of stream) {
      names.push(message.event);
      if (message.event === 'token') break;
    }
    expect(names).toEqual(['started', 'token']);
    await serverClosed;
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.accept).toBe('text/event-stream');
    expect(seen[0]?.headers.authorization).toBe('Bearer abcdef');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('aborts mid-stream with AbortError', async () => {
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: token\ndata: {"t":"a","i":0}\n\n');
    });
    const client = createHttpClient({ baseUrl: url });
    const controller = new AbortController();
    const stream = client.streamSSE('/s', { events, signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    controller.abort();
    await expect(next).rejects.toBeInstanceOf(AbortError);
  });

  it('closing the client mid-stream ends it with AbortError, not a truncation', async () => {
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: token\ndata: {"t":"a","i":0}\n\n');
    });
    const client = createHttpClient({ baseUrl: url });
    const stream = client.streamSSE('/s', { events, terminal: ['end'] });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    await client.close();
    const error = await next.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toContain('client was closed');
  });

  it('abort() before headers rejects with AbortError', async () => {
    const { url, received } = await scriptedServer(() => {});
    const client = createHttpClient({ baseUrl: url });
    const stream = client.streamSSE('/s', { events });
    const first = stream[Symbol.asyncIterator]().next();
    await received();
    stream.abort();
    await expect(first).rejects.toBeInstanceOf(AbortError);
  });

  it('an already-aborted signal rejects without a request', async () => {
    const { url, seen } = await scriptedServer({ status: 200, raw: '' });
    const client = createHttpClient({ baseUrl: url });
    const controller = new AbortController();
    controller.abort();
    const stream = client.streamSSE('/s', { events, signal: controller.signal });
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(AbortError);
    expect(seen).toHaveLength(0);
  });

  it('reconnects with Last-Event-ID after a drop', async () => {
    const { url, seen } = await scriptedServer(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 7\nevent: token\ndata: {"t":"a","i":0}\n\n', () => res.destroy());
      },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('id: 8\nevent: token\ndata: {"t":"b","i":1}\n\nevent: end\ndata: {}\n\n');
      },
    );
    const client = createHttpClient({ baseUrl: url });
    const out: unknown[] = [];
    const stream = client.streamSSE('/s', {
      events,
      terminal: ['end'],
      reconnect: { maxAttempts: 2, delayMs: 1 },
    });
    for await (const m of stream) out.push(m.data);
    expect(out).toEqual([{ t: 'a', i: 0 }, { t: 'b', i: 1 }, {}]);
    expect(seen[1]?.headers['last-event-id']).toBe('7');
  });

  it('gives up reconnecting after maxAttempts with StreamError(truncated)', async () => {
    const { url, seen } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: token\ndata: {"t":"a","i":0}\n\n');
    });
    const client = createHttpClient({ baseUrl: url });
    const stream = client.streamSSE('/s', {
      events,
      terminal: ['end'],
      reconnect: { maxAttempts: 1, delayMs: 1 },
    });
    await expect(async () => {
      for await (const _ of stream) {
        // drain
      }
    }).rejects.toMatchObject({ code: 'truncated' });
    expect(seen).toHaveLength(2);
  });

  it('turns a dropped connection into StreamError(truncated)', async () => {
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: token\ndata: {"t":"a","i":0}\n\n', () => res.destroy());
    });
    const client = createHttpClient({ baseUrl: url });
    const stream = client.streamSSE('/s', { events, terminal: ['end'] });
    const error = await (async () => {
      for await (const _ of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).message).toContain('dropped');
  });

  it('works as a ReadableStream of objects, and cancelling it aborts the request', async () => {
    let closed!: () => void;
    const serverClosed = new Promise<void>((r) => {
      closed = r;
    });
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: token\ndata: {"t":"a","i":0}\n\n');
      res.on('close', () => closed());
    });
    const client = createHttpClient({ baseUrl: url });
    const readable = client.streamSSE('/s', { events }).toObjectStream();
    const reader = readable.getReader();
    expect((await reader.read()).value).toMatchObject({ event: 'token', data: { t: 'a', i: 0 } });
    const pending = reader.read();
    await reader.cancel();
    expect((await pending).done).toBe(true);
    await serverClosed;
  });

  it('the object stream delivers to the end and surfaces errors', async () => {
    const enc = new TextEncoder();
    const ok = streamSSE(async () => chunked([enc.encode('data: 1\n\n')])).toObjectStream();
    const values: unknown[] = [];
    for await (const m of ok) values.push(m.data);
    expect(values).toEqual([1]);
    const bad = streamSSE(async () => chunked([enc.encode('data: 1\n\n')]), {
      terminal: ['end'],
    }).toObjectStream();
    const reader = bad.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toBeInstanceOf(StreamError);
  });
});
