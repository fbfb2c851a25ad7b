import type { GenericSchema, InferOutput } from 'valibot';
import type { Logger } from './logger.js';
import type { ToReadableStreamOptions } from './ndjson-error.js';

/** Event name to valibot schema for its JSON `data`. */
export type SSEEventSchemas = Record<string, GenericSchema>;

/**
 * What happens to events that have no schema in `events`: `'drop'` skips them, `'pass'`
 * delivers them untyped as {@link SSEUnknownMessage}.
 */
export type SSEUnknownEvents = 'pass' | 'drop';

/** Options for {@link streamSSE}. */
export interface SSEOptions<
  E extends SSEEventSchemas = SSEEventSchemas,
  U extends SSEUnknownEvents = SSEUnknownEvents,
> {
  /** Schemas for the `data` of each known event name; `data` is parsed as JSON and validated. @default {} */
  events?: E | undefined;
  /**
   * Event names that end the stream. When given, a body that ends before one of them raises
   * `StreamError('truncated')`; after one arrives the stream ends and the rest is ignored.
   * @default [] (the stream ends with the body)
   */
  terminal?: (keyof E & string)[] | undefined;
  /**
   * No bytes for this long raises `TimeoutError` with `timeout: 'idle'`. Separate from the
   * connect timeout, so a slow but healthy stream is never killed. `0` disables it.
   * @default 60000
   */
  idleTimeoutMs?: number | undefined;
  /**
   * An event, or a single line, larger than this raises `StreamError('oversized')` instead of
   * growing memory. Lines are counted whether the parser keeps them or not (comments, lines
   * without a field name), so an endless line cannot stream forever. Counted in UTF-16 code
   * units of the decoded text (bytes, for ASCII payloads).
   * @default 1048576
   */
  maxEventBytes?: number | undefined;
  /**
   * Deadline for the whole stream, from the first request (reconnects included) to its end:
   * past it the stream is closed and raises `TimeoutError` with `timeout: 'total'`. Unlike
   * `idleTimeoutMs`, it also ends a stream that trickles bytes forever.
   * @default undefined (none)
   */
  totalTimeoutMs?: number | undefined;
  /**
   * Events with no schema in `events`: dropped, or passed through untyped. Dropping keeps the
   * message type a closed union, so `if (message.event === 'token')` narrows `data` to the
   * token schema's output; with `'pass'` an unknown event may carry any name, so narrowing
   * by name cannot tell `data` apart. Dropped events are logged at debug level.
   * @default 'drop' when `events` has a schema, else 'pass'
   */
  unknownEvents?: U | undefined;
  /** Aborts the stream; the iterator then throws `AbortError`. @default undefined */
  signal?: AbortSignal | undefined;
  /**
   * Reopen the stream after a drop or an early end, sending `Last-Event-ID` when the server
   * sent ids. Only for servers that support resuming.
   * @default false
   */
  reconnect?: { maxAttempts: number; delayMs?: number | undefined } | false | undefined;
  /**
   * Name given to `data` that arrives with no `event:` name seen since the stream began
   * (llama-orch clients pass `'token'`).
   * @default 'message'
   */
  defaultEvent?: string | undefined;
  /** Debug logging of reconnects and dropped events. @default silentLogger */
  logger?: Logger | undefined;
  /** Secret values to scrub from error messages (the client passes its credentials). @default none */
  secrets?: (() => Iterable<string | undefined>) | undefined;
  /**
   * Classify a failed body read. When it returns an `AbortError` or `TimeoutError` (for
   * example, the client that opened the stream was closed), that error is thrown instead of
   * treating the failure as a dropped connection. `HttpClient.streamSSE` sets it.
   * @default undefined
   */
  mapReadError?: ((error: unknown) => unknown) | undefined;
  /** Redacted URL of the stream, for error messages. @default undefined */
  url?: string | undefined;
}

/** An event with a schema: `data` is that schema's output. */
export type SSEKnownMessage<E extends SSEEventSchemas = SSEEventSchemas> = {
  [K in keyof E & string]: { event: K; data: InferOutput<E[K]>; id: string | undefined };
}[keyof E & string];

/** An event without a schema (`unknownEvents: 'pass'`): `data` is parsed JSON, or the raw text. */
export interface SSEUnknownMessage {
  /** The event name (`message` when the server sent none). */
  event: string;
  /** The data parsed as JSON, or the text as sent when it is not JSON. */
  data: unknown;
  /** The event's `id:` field, when it had one. */
  id: string | undefined;
}

/**
 * One event: `{ event, data, id }`. With `unknownEvents: 'drop'` (the default when `events`
 * has schemas) this is a discriminated union on `event`, so checking the name narrows `data`:
 *
 * ```ts
 * if (message.event === 'token') message.data.t; // typed by the token schema
 * ```
 */
export type SSEMessage<
  E extends SSEEventSchemas = SSEEventSchemas,
  U extends SSEUnknownEvents = 'drop',
> = U extends 'pass' ? SSEKnownMessage<E> | SSEUnknownMessage : SSEKnownMessage<E>;

/**
 * Typed SSE messages you can iterate once (`for await`), or hand on as bytes or objects.
 * What {@link sseStreamFromReadableStream} returns; {@link SSEStream} adds the response.
 */
export interface SSEMessageStream<
  E extends SSEEventSchemas = SSEEventSchemas,
  U extends SSEUnknownEvents = 'drop',
> extends AsyncIterable<SSEMessage<E, U>> {
  /**
   * The messages as bytes for a web `Response`: NDJSON, one `{"event","data","id"}` object
   * per line, and when the stream fails one last `{"uplink_error": {...}}` line that
   * {@link sseStreamFromReadableStream} turns back into the same kind of error. That line
   * names no URL, host or address unless `errors: 'full'` (for trusted readers only).
   * Cancelling the readable stops the stream. Consumes the stream, like iterating it.
   *
   * ```ts
   * return new Response(stream.toReadableStream(), { headers: { 'content-type': NDJSON_CONTENT_TYPE } });
   * ```
   */
  toReadableStream(options?: ToReadableStreamOptions): ReadableStream<Uint8Array>;
  /** The messages as a `ReadableStream` of objects; cancelling it stops the stream. Consumes it. */
  toObjectStream(): ReadableStream<SSEMessage<E, U>>;
  /** Stop: close the connection and release its timers; a pending or later read throws `AbortError`. */
  abort(reason?: unknown): void;
}

/** A typed SSE stream over HTTP: iterate it once, or hand it on with `toReadableStream()`. */
export interface SSEStream<
  E extends SSEEventSchemas = SSEEventSchemas,
  U extends SSEUnknownEvents = 'drop',
> extends SSEMessageStream<E, U> {
  /** The first response, once its headers have arrived. */
  readonly response: Promise<Response>;
}

/** Opens (or reopens) the stream's response. `signal` must be passed to the request. */
export type SSEOpen = (ctx: {
  signal: AbortSignal;
  lastEventId?: string | undefined;
}) => Promise<Response>;
