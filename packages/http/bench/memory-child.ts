// Child process of the memory suite: streams `n` events through one path and prints the RSS
// growth as JSON. A fresh process per figure, so earlier suites' heap is not counted.
// Usage: node --expose-gc --import tsx memory-child.ts <url> <n> <raw|uplink>
import { createParser } from 'eventsource-parser';
import * as v from 'valibot';
import { createHttpClient } from '../src/index.js';

const [url = '', nText = '1000000', mode = 'uplink'] = process.argv.slice(2);
const n = Number(nText);
const Token = v.object({ t: v.string(), i: v.number() });
const End = v.looseObject({});
const gc = (globalThis as { gc?: () => void }).gc;
let peak = 0;
const sampleRss = (): void => {
  peak = Math.max(peak, process.memoryUsage().rss);
};

async function viaUplink(events: number): Promise<number> {
  const client = createHttpClient({ baseUrl: url });
  let count = 0;
  for await (const message of client.streamSSE(`/sse-generated?n=${events}`, {
    events: { token: Token, end: End },
    terminal: ['end'],
  })) {
    if (message.event === 'token' && (++count & 0x3fff) === 0) sampleRss();
  }
  return count;
}

async function viaRaw(events: number): Promise<number> {
  const response = await fetch(`${url}/sse-generated?n=${events}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let count = 0;
  const parser = createParser({
    onEvent: (event) => {
      JSON.parse(event.data);
      if (event.event === 'token' && (++count & 0x3fff) === 0) sampleRss();
    },
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return count;
}

const stream = mode === 'raw' ? viaRaw : viaUplink;
// Warm up so lazily loaded code and compiled functions are not counted as growth.
await stream(20_000);
gc?.();
const before = process.memoryUsage().rss;
peak = before;
const t0 = performance.now();
const count = await stream(n);
sampleRss();
if (count !== n) throw new Error(`${mode} saw ${count} events, expected ${n}`);
process.stdout.write(
  JSON.stringify({
    growthBytes: peak - before,
    seconds: (performance.now() - t0) / 1000,
    gcExposed: gc !== undefined,
  }),
);
