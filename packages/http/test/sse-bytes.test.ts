import {
  AbortError,
  ConnectionError,
  InternalServerError,
  RateLimitError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import { startServer } from '@uplink/testing/vitest';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  createHttpClient,
  errorFromRecord,
  errorToRecord,
  NDJSON_CONTENT_TYPE,
  readNdjson,
  type SSEMessage,
  sseStreamFromReadableStream,
  streamSSE,
  toNdjsonStream,
} from '../src/index.js';

const events = {
  token: v.object({ t: v.string(), i: v.number() }),
  end: v.looseObject({}),
};
const enc = new TextEncoder();

/** A response whose body delivers exactly these chunks, then ends. */
function body(...chunks: string[]): Response {
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[i++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(enc.encode(chunk));
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

/** A byte stream of these chunks (strings, or raw bytes). */
function bytes(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(typeof chunk === 'string' ? enc.encode(chunk) : chunk);
    },
  });
}

const SSE =
  'id: 1\nevent: token\ndata: {"t":"Hé","i":0}\n\n' +
  'event: ping\ndata: not json\n\n' +
  'id: 3\nevent: token\ndata: {"t":"llo","i":1}\n\n' +
  'event: end\ndata: {"tokens_out":2}\n\n';

describe('SSEStream.toReadableStream(): bytes a Response accepts', () => {
  it('round-trips the messages exactly through new Response(...) and sseStreamFromReadableStream', async () => {
    const direct: SSEMessage<typeof events, 'pass'>[] = [];
    for await (const m of streamSSE(async () => body(SSE), {
      events,
      terminal: ['end'],
      unknownEvents: 'pass',
    }))
      direct.push(m);

    const stream = streamSSE(async () => body(SSE), {
      events,
      terminal: ['end'],
      unknownEvents: 'pass',
    });
    const response = new Response(stream.toReadableStream(), {
      headers: { 'content-type': NDJSON_CONTENT_TYPE },
    });
    expect(response.body).toBeInstanceOf(ReadableStream);
    const relayed = sseStreamFromReadableStream(response.body!, {
      events,
      terminal: ['end'],
      unknownEvents: 'pass',
    });
    const back: SSEMessage<typeof events, 'pass'>[] = [];
    for await (const m of relayed) back.push(m);
    expect(back).toStrictEqual(direct);
    expect(back.map((m) => m.event)).toEqual(['token', 'ping', 'token', 'end']);
    expect(back[0]).toStrictEqual({ event: 'token', data: { t: 'Hé', i: 0 }, id: '1' });
    expect(back[1]).toStrictEqual({ event: 'ping', data: 'not json', id: undefined });
  });

  it('writes one JSON message per line, as UTF-8', async () => {
    const stream = streamSSE(async () => body(SSE), { events, terminal: ['end'] });
    const text = await new Response(stream.toReadableStream()).text();
    expect(text).toBe(
      '{"event":"token","data":{"t":"Hé","i":0},"id":"1"}\n' +
        '{"event":"token","data":{"t":"llo","i":1},"id":"3"}\n' +
        '{"event":"end","data":{"tokens_out":2}}\n',
    );
  });

  it('ends the bytes with an error line that becomes the same error on the other side', async () => {
    const cut = streamSSE(async () => body('event: token\ndata: {"t":"a","i":0}\n\n'), {
      events,
      terminal: ['end'],
    });
    const text = await new Response(cut.toReadableStream()).text();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!)).toEqual({
      uplink_error: {
        name: 'StreamError',
        message: 'The SSE stream ended before a terminal event (end)',
        code: 'truncated',
        retriable: true,
      },
    });
    const relayed = sseStreamFromReadableStream(bytes(text), { events, terminal: ['end'] });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const m of relayed) seen.push(m.data);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ t: 'a', i: 0 }]);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({
      code: 'truncated',
      retriable: true,
      message: 'The SSE stream ended before a terminal event (end)',
    });
  });

  it('cancelling the byte stream aborts the request', async () => {
    let closed!: () => void;
    const serverClosed = new Promise<void>((r) => {
      closed = r;
    });
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: token\ndata: {"t":"a","i":0}\n\n');
      res.on('close', () => closed());
    });
    const client = createHttpClient({ baseUrl: server.url });
    const reader = client.streamSSE('/s', { events }).toReadableStream().getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(
      '{"event":"token","data":{"t":"a","i":0}}\n',
    );
    const pending = reader.read();
    await reader.cancel();
    expect((await pending).done).toBe(true);
    await serverClosed;
  });

  it('a node:http handler relays a stream that a browser-style fetch reads back, typed', async () => {
    const upstream = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(SSE);
    });
    const client = createHttpClient({ baseUrl: upstream.url });
    const relay = await startServer(async (_req, res) => {
      const stream = client.streamSSE('/events', { events, terminal: ['end'] });
      res.writeHead(200, { 'content-type': NDJSON_CONTENT_TYPE });
      // What a server framework does with a web Response body.
      for await (const chunk of new Response(stream.toReadableStream()).body!) res.write(chunk);
      res.end();
    });
    const response = await fetch(`${relay.url}/relay`);
    expect(response.headers.get('content-type')).toBe(NDJSON_CONTENT_TYPE);
    const texts: string[] = [];
    for await (const m of sseStreamFromReadableStream(response.body!, {
      events,
      terminal: ['end'],
    })) {
      if (m.event === 'token') texts.push(m.data.t);
    }
    expect(texts.join('')).toBe('Héllo');
    await client.close();
  });
});

describe('sseStreamFromReadableStream: hostile or broken bytes', () => {
  it('reads lines split at every byte, multibyte characters included', async () => {
    const line = '{"event":"token","data":{"t":"€✓","i":0}}\n{"event":"end","data":{}}\n';
    const raw = enc.encode(line);
    for (let k = 1; k < raw.length; k++) {
      const out: unknown[] = [];
      for await (const m of sseStreamFromReadableStream(
        bytes(raw.subarray(0, k), raw.subarray(k)),
        { events, terminal: ['end'] },
      ))
        out.push(m.data);
      expect(out, `split at ${k}`).toEqual([{ t: '€✓', i: 0 }, {}]);
    }
  });

  it('raises typed errors for bad lines, bad data, a cut stream and a long line', async () => {
    const read = async (stream: ReadableStream<Uint8Array>, maxLineBytes?: number) => {
      const relayed = sseStreamFromReadableStream(stream, {
        events,
        terminal: ['end'],
        maxLineBytes,
      });
      try {
        for await (const _ of relayed) {
          // Draining.
        }
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(await read(bytes('<html>proxy error</html>\n'))).toMatchObject({
      name: 'StreamError',
      code: 'malformed',
      message: 'An NDJSON line is not JSON: "<html>proxy error</html>"',
    });
    expect(await read(bytes('{"data":1}\n'))).toMatchObject({ code: 'malformed' });
    expect(await read(bytes('{"event":"token","data":{"t":1,"i":0}}\n'))).toBeInstanceOf(
      ResponseValidationError,
    );
    expect(await read(bytes('{"event":"token","data":{"t":"a","i":0}}\n'))).toMatchObject({
      code: 'truncated',
    });
    expect(await read(bytes('x'.repeat(64)), 16)).toMatchObject({ code: 'oversized' });
    expect(await read(bytes(`${'x'.repeat(64)}\n`), 16)).toMatchObject({ code: 'oversized' });
  });

  it('stops at the terminal event and ignores what follows; skips blank and CRLF lines', async () => {
    const out: string[] = [];
    for await (const m of sseStreamFromReadableStream(
      bytes('\r\n{"event":"end","data":{}}\r\n\n{"event":"token","data":{"t":"late","i":9}}\n'),
      { events, terminal: ['end'] },
    ))
      out.push(m.event);
    expect(out).toEqual(['end']);
  });

  it('abort() and the signal stop reading: a pending read rejects and the bytes are cancelled', async () => {
    let cancelled: unknown = 'not cancelled';
    const silent = new ReadableStream<Uint8Array>({
      pull() {
        return new Promise(() => {});
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const controller = new AbortController();
    const relayed = sseStreamFromReadableStream(silent, { events, signal: controller.signal });
    const pending = relayed[Symbol.asyncIterator]().next();
    controller.abort(new Error('user left'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('user left');
    expect(cancelled).toBeUndefined();
  });
});

describe('NDJSON error lines', () => {
  it('carry what a reader needs and rebuild the nearest error class', () => {
    const limited = new RateLimitError('429 slow down', {
      status: 429,
      retryAfterMs: 1500,
      requestId: 'req-1',
      url: 'http://internal.example/v1?token=secret',
      body: { detail: 'slow down' },
    });
    const record = errorToRecord(limited);
    expect(record).toEqual({
      name: 'RateLimitError',
      message: '429 slow down',
      status: 429,
      retryAfterMs: 1500,
      requestId: 'req-1',
    });
    expect(JSON.stringify(record)).not.toContain('internal.example');
    const back = errorFromRecord(record);
    expect(back).toBeInstanceOf(RateLimitError);
    expect(back).toMatchObject({ status: 429, retryAfterMs: 1500, requestId: 'req-1' });

    expect(errorFromRecord({ name: 'InternalServerError', status: 503 })).toBeInstanceOf(
      InternalServerError,
    );
    const idle = errorFromRecord(
      errorToRecord(new TimeoutError('no bytes', { timeout: 'idle', timeoutMs: 5 })),
    );
    expect(idle).toBeInstanceOf(TimeoutError);
    expect(idle).toMatchObject({ timeout: 'idle', timeoutMs: 5 });
    expect(errorFromRecord({ name: 'AbortError', message: 'stopped' })).toBeInstanceOf(AbortError);
    expect(errorFromRecord({ name: 'ConnectionError', message: 'refused' })).toBeInstanceOf(
      ConnectionError,
    );
    const other = errorFromRecord(errorToRecord(new TypeError('boom')));
    expect(other).toBeInstanceOf(StreamError);
    expect(other).toMatchObject({ code: 'server_error', message: 'boom' });
    expect(errorFromRecord('garbage')).toMatchObject({ code: 'server_error' });
    expect(
      errorFromRecord({ status: 'x', timeout: 'forever', name: 'TimeoutError' }),
    ).toMatchObject({ timeout: 'total' });
  });

  it('readNdjson takes a decoder of its own for error lines, and keeps extra fields on request', async () => {
    class RunFailed extends Error {
      constructor(readonly record: unknown) {
        super('run failed');
      }
    }
    const failing: AsyncIterator<unknown> = {
      next: async () => {
        throw Object.assign(new StreamError('gap in seq', { code: 'gap' }), { lastSeq: 7 });
      },
    };
    const bytes = toNdjsonStream(failing, { errorFields: ['lastSeq'] });
    const error = await readNdjson(bytes, { decodeError: (record) => new RunFailed(record) })
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailed);
    expect((error as RunFailed).record).toEqual({
      name: 'StreamError',
      message: 'gap in seq',
      code: 'gap',
      lastSeq: 7,
    });
  });

  it('toNdjsonStream turns an item that cannot be encoded into an error line and stops the source', async () => {
    let returned = false;
    const source: AsyncIterator<unknown> = {
      next: async () => ({ done: false, value: { big: 1n } }),
      return: async () => {
        returned = true;
        return { done: true, value: undefined };
      },
    };
    const values: unknown[] = [];
    const error = await (async () => {
      for await (const value of readNdjson(toNdjsonStream(source))) values.push(value);
    })().catch((e: unknown) => e);
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as Error).message).toMatch(/BigInt/);
    expect(returned).toBe(true);
  });
});
