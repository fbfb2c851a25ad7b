// The libraries a user would pick instead of Uplink, driven the way their docs show, over the
// same bytes from the same loopback server as Uplink's own runs. Each function does one run
// and resolves to the number of units it handled (and throws when the count is wrong, so a
// peer that silently drops events cannot look fast).
import { parseJsonEventStream } from '@ai-sdk/provider-utils';
import { createParser } from 'eventsource-parser';
import ky from 'ky';
import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import * as v from 'valibot';

/** The token event's schema, the same one Uplink's runs validate against. */
export const TokenSchema = v.object({ t: v.string(), i: v.number() });
/** The small JSON body's schema (`/json`). */
export const SmallSchema = v.object({
  id: v.string(),
  status: v.string(),
  attempt: v.number(),
  ok: v.boolean(),
});

interface TokenData {
  t: string;
  i: number;
}

function expect(what: string, count: number, n: number): number {
  if (count !== n) throw new Error(`${what} saw ${count} token events, expected ${n}`);
  return n;
}

/** The floor: fetch, a reader loop, TextDecoder, eventsource-parser and JSON.parse. */
export async function sseRaw(url: string, n: number): Promise<number> {
  const response = await fetch(`${url}/sse?n=${n}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let sum = 0;
  const parser = createParser({
    onEvent: (event) => {
      const data = JSON.parse(event.data) as TokenData;
      if (event.event === 'token') {
        count++;
        sum += data.i;
      }
    },
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  return expect('raw', count + (sum < 0 ? 1 : 0), n);
}

/**
 * The floor for an iterator API: the raw parsing above behind a minimal hand-written async
 * iterator (events of a chunk buffered, one settled promise each). What `for await` itself
 * costs over callbacks; no library can hand out events one by one for less.
 */
export async function sseRawIterator(url: string, n: number): Promise<number> {
  const response = await fetch(`${url}/sse?n=${n}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer: { event: string | undefined; data: TokenData }[] = [];
  let head = 0;
  let ended = false;
  const parser = createParser({
    onEvent: (event) => buffer.push({ event: event.event, data: JSON.parse(event.data) }),
  });
  const iterator: AsyncIterableIterator<{ event: string | undefined; data: TokenData }> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (head >= buffer.length) {
        if (ended) return { done: true, value: undefined };
        buffer = [];
        head = 0;
        const { done, value } = await reader.read();
        if (done) ended = true;
        else parser.feed(decoder.decode(value, { stream: true }));
      }
      return { done: false, value: buffer[head++] as { event: string; data: TokenData } };
    },
  };
  let count = 0;
  for await (const message of iterator) {
    if (message.event === 'token' && message.data.i >= 0) count++;
  }
  return expect('raw iterator', count, n);
}

/** openai-node's `Stream` (its SSE decoder) over a plain fetch Response; JSON.parse, no schema. */
export async function sseOpenAI(url: string, n: number): Promise<number> {
  const controller = new AbortController();
  const response = await fetch(`${url}/sse?n=${n}`, { signal: controller.signal });
  const stream = Stream.fromSSEResponse<{ event: string; data: TokenData }>(
    response,
    controller,
    undefined,
    true,
  );
  let count = 0;
  for await (const item of stream) {
    if (item.event === 'token' && item.data.i >= 0) count++;
  }
  return expect('openai Stream', count, n);
}

/**
 * ai-sdk's `parseJsonEventStream` (`@ai-sdk/provider-utils`, what the `ai` providers use) with
 * the same valibot schema, as a Standard Schema. It validates every event's data against one
 * schema, so the `end` event arrives as a failed parse; only successes are counted.
 */
export async function sseAiSdk(url: string, n: number): Promise<number> {
  const response = await fetch(`${url}/sse?n=${n}`);
  const stream = parseJsonEventStream({
    stream: response.body as ReadableStream<Uint8Array>,
    schema: TokenSchema,
  });
  let count = 0;
  for await (const part of stream) {
    if (part.success && part.value.i >= 0) count++;
  }
  return expect('ai-sdk parseJsonEventStream', count, n);
}

/** Small JSON GET peers: one call each, resolving to its parsed body. */
export function requestPeers(url: string): Record<string, () => Promise<unknown>> {
  const kyOff = ky.create({ retry: 0, timeout: false, throwHttpErrors: false });
  const openai = new OpenAI({ apiKey: 'bench', baseURL: url, maxRetries: 0 });
  return {
    /** fetch + res.json(): the floor. */
    raw: async () => (await fetch(`${url}/json`)).json(),
    /** ky with its policies off (no retry, timeout or status throw), as Uplink sends. */
    kyOff: () => kyOff(`${url}/json`).json(),
    /** ky with its defaults. */
    ky: () => ky(`${url}/json`).json(),
    /** openai-node's generic `client.get`, retries off. */
    openai: () => openai.get('/json'),
  };
}

/** Where each peer's main entry is, for import timing in a fresh process. */
export const peerEntries = {
  openai: import.meta.resolve('openai'),
  ky: import.meta.resolve('ky'),
  'eventsource-parser': import.meta.resolve('eventsource-parser'),
  valibot: import.meta.resolve('valibot'),
};

/**
 * openai-node's `Stream` over any SSE response, yielding `{ event, data }` (data JSON-parsed),
 * for benches whose servers speak another protocol (orch-client's llama-orch streams).
 */
export function openAIEvents<T>(
  response: Response,
  controller: AbortController,
): AsyncIterable<{ event: string; data: T }> {
  return Stream.fromSSEResponse<{ event: string; data: T }>(response, controller, undefined, true);
}
