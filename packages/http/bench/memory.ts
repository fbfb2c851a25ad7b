import * as v from 'valibot';
import { createHttpClient } from '../src/index.js';

const Token = v.object({ t: v.string(), i: v.number() });
const End = v.unknown();

/**
 * RSS growth of this process while streaming `n` events through streamSSE (server in another
 * process): the peak RSS during the stream minus the RSS before it, after a GC when exposed.
 */
export async function benchMemory(url: string, n = 1_000_000) {
  const gc = (globalThis as { gc?: () => void }).gc;
  const client = createHttpClient({ baseUrl: url });
  // Warm up so lazily loaded code and JIT are not counted as growth.
  for await (const _ of client.streamSSE('/sse-generated?n=20000', {
    events: { token: Token, end: End },
    terminal: ['end'],
  })) {
    // drain
  }
  gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let count = 0;
  const t0 = performance.now();
  for await (const message of client.streamSSE(`/sse-generated?n=${n}`, {
    events: { token: Token, end: End },
    terminal: ['end'],
  })) {
    if (message.event === 'token') count++;
    if ((count & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  if (count !== n) throw new Error(`memory bench saw ${count} events`);
  return {
    events: count,
    seconds: (performance.now() - t0) / 1000,
    growthBytes: peak - before,
    gcExposed: gc !== undefined,
  };
}
