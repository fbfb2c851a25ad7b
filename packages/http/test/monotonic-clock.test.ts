import { TimeoutError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient, streamSSE } from '../src/index.js';
import { scriptedServer } from './helpers.js';

const HOUR = 60 * 60 * 1000;
const enc = (text: string) => new TextEncoder().encode(text);

afterEach(() => vi.useRealTimers());

describe('durations use a monotonic clock, not the wall clock', () => {
  it('a wall clock that jumps forward mid-call does not eat the retries of a total timeout', async () => {
    // Only Date is faked: timers and performance.now() run for real, as NTP would leave them.
    vi.useFakeTimers({ toFake: ['Date'] });
    const { url, seen } = await scriptedServer((_req, res) => {
      if (seen.length === 1) {
        vi.setSystemTime(Date.now() + HOUR);
        res.writeHead(503);
        res.end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const client = createHttpClient({
      baseUrl: url,
      totalTimeoutMs: 60_000,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(await client.get('/x', v.object({ ok: v.boolean() }))).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
  });

  it('an SSE idle timeout still fires after the wall clock is set back an hour', async () => {
    vi.useFakeTimers();
    const stream = streamSSE(
      async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(enc('event: token\ndata: {}\n\n'));
            },
          }),
        ),
      { idleTimeoutMs: 1000 },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    let settled = false;
    next.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    vi.setSystemTime(Date.now() - HOUR);
    await vi.advanceTimersByTimeAsync(1000);
    // End the test either way (an unfixed stream would wait out the hour).
    if (!settled) stream.abort();
    const error = await next.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('idle');
  });
});
