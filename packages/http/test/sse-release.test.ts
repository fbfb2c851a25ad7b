// Nothing an SSE stream holds (timers, listeners on outside signals, the body) may outlive the
// end of the stream, however it ends; and a stream that was let go holds no idle timer.
import { getEventListeners } from 'node:events';
import { AbortError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient, type SSEStream, streamSSE } from '../src/index.js';

const events = { token: v.object({ t: v.string() }), end: v.looseObject({}) };
const enc = new TextEncoder();

afterEach(() => vi.useRealTimers());

/** A body that sends one token, then stays open until cancelled (and says when it was). */
function openBody(last = 'event: token\ndata: {"t":"b"}\n\n') {
  const state = { cancelled: false, pulls: 0 };
  const response = (): Response =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          state.pulls++;
          if (state.pulls === 1)
            controller.enqueue(enc.encode('event: token\ndata: {"t":"a"}\n\n'));
          else if (state.pulls === 2) controller.enqueue(enc.encode(last));
          else return new Promise(() => {});
        },
        cancel() {
          state.cancelled = true;
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    );
  return { state, response };
}

const options = (signal: AbortSignal) => ({
  events,
  terminal: ['end'] as 'end'[],
  idleTimeoutMs: 1_000,
  totalTimeoutMs: 60_000,
  signal,
});

/** What must be gone once the stream ended: timers, the caller's listener, the body. */
function expectReleased(signal: AbortSignal, state: { cancelled: boolean }) {
  expect(vi.getTimerCount()).toBe(0);
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  expect(state.cancelled).toBe(true);
}

describe('an SSE stream releases what it holds', () => {
  const paths: [string, (stream: SSEStream<typeof events>) => Promise<void>][] = [
    [
      'read through toReadableStream(), released and cancelled',
      async (stream) => {
        const readable = stream.toReadableStream();
        const reader = readable.getReader();
        await reader.read();
        reader.releaseLock();
        await readable.cancel();
      },
    ],
    [
      'read through toObjectStream(), released and cancelled',
      async (stream) => {
        const readable = stream.toObjectStream();
        const reader = readable.getReader();
        await reader.read();
        reader.releaseLock();
        await readable.cancel();
      },
    ],
    [
      'abort() with no read pending',
      async (stream) => {
        await stream[Symbol.asyncIterator]().next();
        stream.abort();
      },
    ],
    [
      'breaking out of for await',
      async (stream) => {
        for await (const _ of stream) break;
      },
    ],
  ];
  for (const [name, letGo] of paths) {
    it(name, async () => {
      vi.useFakeTimers();
      const { state, response } = openBody();
      const caller = new AbortController();
      const stream = streamSSE(async () => response(), options(caller.signal));
      await letGo(stream);
      await vi.advanceTimersByTimeAsync(0);
      expectReleased(caller.signal, state);
    });
  }

  it('the end of iteration', async () => {
    vi.useFakeTimers();
    const { state, response } = openBody('event: end\ndata: {}\n\n');
    const caller = new AbortController();
    const seen: string[] = [];
    for await (const m of streamSSE(async () => response(), options(caller.signal)))
      seen.push(m.event);
    expect(seen).toEqual(['token', 'end']);
    expectReleased(caller.signal, state);
  });

  it('released without cancelling, then the client closed (nothing reading)', async () => {
    vi.useFakeTimers();
    const { state, response } = openBody();
    const caller = new AbortController();
    const client = createHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      fetch: async () => response(),
    });
    const stream = client.streamSSE('/s', options(caller.signal));
    const readable = stream.toReadableStream();
    const reader = readable.getReader();
    await reader.read();
    reader.releaseLock();
    await client.close();
    await vi.advanceTimersByTimeAsync(0);
    expectReleased(caller.signal, state);
    // The stream was ended by the close, and says so to whoever reads it next: as bytes, its
    // last line is the error.
    const { value } = await readable.getReader().read();
    expect(JSON.parse(new TextDecoder().decode(value))).toEqual({
      uplink_error: { name: 'AbortError', message: 'GET /s was aborted: the client was closed' },
    });
  });

  it('a pending read after the client closed rejects with AbortError naming the close', async () => {
    const { state, response } = openBody();
    const client = createHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      fetch: async () => response(),
    });
    const iterator = client.streamSSE('/s', { events })[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const pending = iterator.next();
    await client.close();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('GET /s was aborted: the client was closed');
    expect(state.cancelled).toBe(true);
  });

  it('a stream let go without closing holds no idle timer once the last read is done', async () => {
    vi.useFakeTimers();
    const { response } = openBody();
    const stream = streamSSE(async () => response(), { events, idleTimeoutMs: 1_000 });
    const reader = stream.toReadableStream().getReader();
    await reader.read();
    reader.releaseLock();
    // The timer armed for that read fires once, finds no read waiting, and is not re-armed.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('still times out a read that waits too long after a pause longer than the idle timeout', async () => {
    vi.useFakeTimers();
    const { response } = openBody();
    const iterator = streamSSE(async () => response(), {
      events,
      idleTimeoutMs: 1_000,
    })[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    await vi.advanceTimersByTimeAsync(5_000);
    const pending = iterator.next();
    pending.catch(() => {});
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError', timeout: 'idle' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
