import type { ServerResponse } from 'node:http';
import { ConfigurationError, StreamError, TimeoutError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient, streamSSE } from '../src/index.js';
import { scriptedServer } from './helpers.js';

const events = { token: v.object({ t: v.string(), i: v.number() }), end: v.looseObject({}) };
const enc = (text: string) => new TextEncoder().encode(text);
const MiB = 1024 * 1024;

afterEach(() => vi.useRealTimers());

/**
 * Write `prefix`, then the same chunk over and over without a line break, as fast as the
 * client reads, up to a safety net. `stats.sent` counts what was written.
 */
function endlessLine(
  res: ServerResponse,
  prefix: string,
  stats: { sent: number; closed: Promise<void> },
  capBytes: number,
) {
  let done!: () => void;
  stats.closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  res.on('close', () => done());
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(`event: token\ndata: {"t":"a","i":0}\n\n${prefix}`);
  const chunk = Buffer.alloc(16 * 1024, 'x');
  const pump = (): void => {
    while (!res.destroyed && stats.sent < capBytes) {
      stats.sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('\n\n');
  };
  pump();
}

describe('SSE line length is capped, lines the parser discards included', () => {
  it.each([
    ['no field prefix (discarded by the parser)', ''],
    ['a comment line', ': '],
    ['an unknown field', 'x-padding: '],
  ])('an endless line with %s fails with StreamError(oversized)', async (_name, prefix) => {
    const stats = { sent: 0, closed: Promise.resolve() };
    const cap = 24 * MiB;
    const { url } = await scriptedServer((_req, res) => endlessLine(res, prefix, stats, cap));
    const client = createHttpClient({ baseUrl: url });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const message of client.streamSSE('/s', { events, terminal: ['end'] })) {
        seen.push(message.event);
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['token']);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).code).toBe('oversized');
    expect((error as Error).message).toContain('line');
    expect((error as Error).message).toContain('1048576');
    await stats.closed;
    expect(stats.sent).toBeLessThan(cap / 2);
  });

  it('counts a line across chunks of any size, and a whole line inside one big chunk', async () => {
    const long = `: ${'y'.repeat(5000)}\n\nevent: token\ndata: {"t":"b","i":1}\n\n`;
    for (const chunks of [
      [enc(long)],
      Array.from({ length: 50 }, (_, k) => enc(long).subarray(k * 101, (k + 1) * 101)),
    ]) {
      const stream = streamSSE(async () => chunkedResponse(chunks), {
        events,
        maxEventBytes: 4096,
      });
      const error = await drain(stream).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamError);
      expect((error as StreamError).code).toBe('oversized');
    }
    // Lines up to the limit are fine, however they are split.
    const fine = `: ${'y'.repeat(4000)}\nevent: token\ndata: {"t":"b","i":1}\n\n`;
    const ok = streamSSE(async () => chunkedResponse([enc(fine)]), { events, maxEventBytes: 4096 });
    expect(await drain(ok)).toEqual(['token']);
    // ... and a long line that starts late in one chunk counts only its own characters.
    const padded = `${'x-pad: 1\n'.repeat(300)}: ${'y'.repeat(3900)}\nevent: token\ndata: {"t":"b","i":1}\n\n`;
    const late = streamSSE(
      async () => chunkedResponse([enc(padded.slice(0, 4000)), enc(padded.slice(4000))]),
      { events, maxEventBytes: 4096 },
    );
    expect(await drain(late)).toEqual(['token']);
  });
});

describe('SSE whole-stream deadline (totalTimeoutMs)', () => {
  it('a 1 byte/s trickle that never goes idle ends with TimeoutError(total)', async () => {
    vi.useFakeTimers();
    let push!: (bytes: Uint8Array) => void;
    let close!: () => void;
    let cancelled = false;
    const stream = streamSSE(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(enc('event: token\ndata: {"t":"a","i":0}\n\n'));
              push = (bytes) => controller.enqueue(bytes);
              close = () => controller.close();
            },
            cancel() {
              cancelled = true;
            },
          }),
        ),
      { events, terminal: ['end'], idleTimeoutMs: 5000, totalTimeoutMs: 10_000 },
    );
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ event: 'token' });
    const next = iterator.next();
    next.catch(() => {});
    let settled = false;
    next.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    // One byte a second, for 30 simulated seconds at most: the idle timer never fires.
    for (let second = 0; second < 30 && !settled; second++) {
      push(enc(':'));
      await vi.advanceTimersByTimeAsync(1000);
    }
    if (!settled) close();
    const error = await next.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('total');
    expect((error as TimeoutError).timeoutMs).toBe(10_000);
    expect((error as Error).message).toContain('10000 ms');
    expect(cancelled).toBe(true);
  });

  it('covers the wait for headers and reconnects, through HttpClient.streamSSE', async () => {
    vi.useFakeTimers();
    const client = createHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      // Headers never come; only the request's signal ends the wait.
      fetch: (input) =>
        new Promise<Response>((_resolve, reject) => {
          const { signal } = input as Request;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    const stream = client.streamSSE('/s', { events, totalTimeoutMs: 2000 });
    const done = drain(stream).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2000);
    // Without a deadline the stream would wait for headers forever; end the test either way.
    stream.abort();
    const error = await done;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('total');
  });

  it('rejects a bad deadline with ConfigurationError', () => {
    for (const bad of [0, -1, Number.NaN, '10']) {
      expect(() =>
        streamSSE(async () => new Response(''), { totalTimeoutMs: bad as number }),
      ).toThrow(ConfigurationError);
    }
  });
});

function chunkedResponse(chunks: Uint8Array[]): Response {
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[i++];
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

async function drain(stream: AsyncIterable<{ event: string }>): Promise<string[]> {
  const names: string[] = [];
  for await (const message of stream) names.push(message.event);
  return names;
}
