import type { GenericSchema, InferOutput } from 'valibot';
import type { Logger } from './logger.js';

/** Event name to valibot schema for its JSON `data`. */
export type SSEEventSchemas = Record<string, GenericSchema>;

/** Options for {@link streamSSE}. */
export interface SSEOptions<E extends SSEEventSchemas = SSEEventSchemas> {
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
   * Events with no schema in `events`: passed through untyped, or dropped.
   * @default 'pass'
   */
  unknownEvents?: 'pass' | 'drop' | undefined;
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

/** One event: typed by its schema when the name is known, untyped otherwise. */
export type SSEMessage<E extends SSEEventSchemas = SSEEventSchemas> =
  | {
      [K in keyof E]: { event: K; data: InferOutput<E[K]>; id: string | undefined };
    }[keyof E]
  | { event: string; data: unknown; id: string | undefined };

/** A typed SSE stream: iterate it once, or turn it into a `ReadableStream`. */
export interface SSEStream<E extends SSEEventSchemas = SSEEventSchemas>
  extends AsyncIterable<SSEMessage<E>> {
  /** The same events as a `ReadableStream` (cancelling it aborts the request). */
  toReadableStream(): ReadableStream<SSEMessage<E>>;
  /** Abort the request; a pending or later read throws `AbortError`. */
  abort(reason?: unknown): void;
  /** The first response, once its headers have arrived. */
  readonly response: Promise<Response>;
}

/** Opens (or reopens) the stream's response. `signal` must be passed to the request. */
export type SSEOpen = (ctx: {
  signal: AbortSignal;
  lastEventId?: string | undefined;
}) => Promise<Response>;
