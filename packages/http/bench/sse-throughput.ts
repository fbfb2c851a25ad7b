import { createParser } from 'eventsource-parser';
import * as v from 'valibot';
import { createHttpClient } from '../src/index.js';
import { compare } from './harness.js';

const Token = v.object({ t: v.string(), i: v.number() });
const End = v.looseObject({});

/** Baseline: raw fetch, a reader loop, TextDecoder, eventsource-parser and JSON.parse. */
async function baseline(url: string, n: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/sse?n=${n}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let sum = 0;
  const parser = createParser({
    onEvent: (event) => {
      const data = JSON.parse(event.data) as { i?: number };
      if (event.event === 'token') {
        count++;
        sum += data.i ?? 0;
      }
    },
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  if (count !== n || sum < 0) throw new Error(`baseline saw ${count} events`);
  return n / ((performance.now() - started) / 1000);
}

/** Ours: client.streamSSE with schemas, a terminal event and every check on. */
async function ours(url: string, n: number): Promise<number> {
  const client = createHttpClient({ baseUrl: url });
  const started = performance.now();
  let count = 0;
  let sum = 0;
  const stream = client.streamSSE(`/sse?n=${n}`, {
    events: { token: Token, end: End },
    terminal: ['end'],
  });
  for await (const message of stream) {
    if (message.event === 'token') {
      count++;
      sum += (message.data as { i: number }).i;
    }
  }
  if (count !== n || sum < 0) throw new Error(`streamSSE saw ${count} events`);
  return n / ((performance.now() - started) / 1000);
}

/** Events per second over `n` token events, baseline vs ours, median of `rounds`. */
export async function benchSseThroughput(url: string, n = 200_000, rounds = 5) {
  await baseline(url, 2000);
  await ours(url, 2000);
  return compare(
    rounds,
    () => baseline(url, n),
    () => ours(url, n),
  );
}
