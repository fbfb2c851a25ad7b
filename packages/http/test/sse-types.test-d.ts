// Type tests, checked by `pnpm typecheck` (tsconfig.tests.json): each line fails to compile if
// the typing of SSE messages regresses.
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import {
  createHttpClient,
  type SSEMessage,
  type SSEUnknownMessage,
  sseStreamFromReadableStream,
  streamSSE,
} from '../src/index.js';

const TokenSchema = v.object({ t: v.string(), i: v.number() });
const EndSchema = v.object({ tokens_out: v.optional(v.number()) });
const events = { token: TokenSchema, end: EndSchema };
type Token = v.InferOutput<typeof TokenSchema>;
type End = v.InferOutput<typeof EndSchema>;
declare const open: () => Promise<Response>;

export async function narrowsByEventName(): Promise<void> {
  for await (const message of streamSSE(open, { events, terminal: ['end'] })) {
    if (message.event === 'token') {
      expectTypeOf(message.data).toEqualTypeOf<Token>();
      message.data.t.toUpperCase();
    } else {
      expectTypeOf(message.event).toEqualTypeOf<'end'>();
      expectTypeOf(message.data).toEqualTypeOf<End>();
    }
    switch (message.event) {
      case 'token':
        expectTypeOf(message.data.i).toEqualTypeOf<number>();
        break;
      case 'end':
        expectTypeOf(message.data.tokens_out).toEqualTypeOf<number | undefined>();
        break;
    }
    // @ts-expect-error without checking the name, data is either schema's output
    message.data.t;
    // @ts-expect-error the name is not one of the events: the comparison cannot be true
    if (message.event === 'ping') return;
  }
}

export async function theClientNarrowsToo(): Promise<void> {
  const client = createHttpClient({ baseUrl: 'http://127.0.0.1:1' });
  for await (const message of client.streamSSE('/s', { events, terminal: ['end'] })) {
    if (message.event === 'token') expectTypeOf(message.data).toEqualTypeOf<Token>();
  }
  // @ts-expect-error terminal names must be event names
  client.streamSSE('/s', { events, terminal: ['finish'] });
}

export async function passingUnknownEventsIsHonest(): Promise<void> {
  const stream = streamSSE(open, { events, unknownEvents: 'pass' });
  for await (const message of stream) {
    expectTypeOf(message).toEqualTypeOf<SSEMessage<typeof events, 'pass'>>();
    expectTypeOf<SSEUnknownMessage>().toExtend<typeof message>();
    // An unknown event may carry any name, so a name check cannot type data.
    if (message.event === 'token') expectTypeOf(message.data).toBeUnknown();
  }
}

export async function withoutSchemasEverythingIsUntyped(): Promise<void> {
  for await (const message of streamSSE(open)) {
    expectTypeOf(message.event).toEqualTypeOf<string>();
    expectTypeOf(message.data).toBeUnknown();
  }
}

export async function bytesForAResponse(): Promise<void> {
  const stream = streamSSE(open, { events, terminal: ['end'] });
  expectTypeOf(stream.toReadableStream()).toEqualTypeOf<ReadableStream<Uint8Array>>();
  expectTypeOf(stream.toObjectStream()).toEqualTypeOf<ReadableStream<SSEMessage<typeof events>>>();
  const response = new Response(stream.toReadableStream());
  for await (const message of sseStreamFromReadableStream(response.body!, {
    events,
    terminal: ['end'],
  })) {
    if (message.event === 'token') expectTypeOf(message.data).toEqualTypeOf<Token>();
  }
}
