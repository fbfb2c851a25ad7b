// docs/protocols/llama-orch.md §6.7 (parser requirements).
// Streams are async iterables that stop cleanly on abort and report truncation as an error.
import { AbortError, StreamError, TimeoutError } from '@uplink/core-schemas';
import type { EventSourceMessage } from 'eventsource-parser';
import { errorFromResponse } from './error-from-response.js';
import { iteratorToStream } from './iterator-to-stream.js';
import { silentLogger } from './logger.js';
import type { ToReadableStreamOptions } from './ndjson-error.js';
import { toNdjsonStream } from './ndjson-stream.js';
import { sleep } from './sleep.js';
import { SSEBody } from './sse-body.js';
import { CLOSED, IDLE, mapSSEFailure, TOTAL } from './sse-failure.js';
import { IdleWatch, unref } from './sse-idle-watch.js';
import { createMessageDecoder, type MessageDecoder } from './sse-message.js';
import { validateSSEOptions } from './sse-options.js';
import { checkEventStream } from './sse-response-check.js';
import type {
  SSEEventSchemas,
  SSEMessage,
  SSEOpen,
  SSEOptions,
  SSEStream,
  SSEUnknownEvents,
} from './sse-types.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * What `HttpClient.streamSSE` adds: its `close()` ends the stream even when nothing is reading
 * it (a reader that was released, say), so nothing the stream holds outlives the client.
 */
export interface SSEStreamLink {
  /** Aborted when the client closes. */
  signal: AbortSignal;
  /** The error a stream ended that way throws. */
  error: () => unknown;
}

/**
 * A hand-written async iterator rather than an async generator: events parsed from one chunk
 * are buffered and handed out with an already-resolved promise each, which keeps the
 * per-event cost close to a bare parser loop (see the throughput benchmark).
 */
class SSEStreamImpl<E extends SSEEventSchemas, U extends SSEUnknownEvents>
  implements SSEStream<E, U>, AsyncIterableIterator<SSEMessage<E, U>>
{
  readonly #open: SSEOpen;
  readonly #options: SSEOptions<E, U>;
  readonly #link: SSEStreamLink | undefined;
  readonly #controller = new AbortController();
  readonly #terminal: ReadonlySet<string>;
  readonly #idleTimeoutMs: number;
  readonly #totalTimeoutMs: number | undefined;
  readonly #maxEventBytes: number;
  readonly #decode: MessageDecoder<E, U>;
  #first: Promise<Response> | undefined;
  #body: SSEBody | undefined;
  /** Parsed events not yet handed out; `#head` is the next one. */
  #buffer: SSEMessage<E, U>[] = [];
  #head = 0;
  /** The last event name seen and whether it is terminal (names repeat; lookups are not free). */
  #lastName: string | undefined;
  #lastIsTerminal = false;
  /** A bad event (malformed JSON, schema mismatch): thrown once the events before it are out. */
  #failure: unknown = undefined;
  #ended = false;
  #finished = false;
  #reconnects = 0;
  /** Bodies opened so far; the first comes from `#connectFirst` (shared with `response`). */
  #connections = 0;
  readonly #idle: IdleWatch;
  #totalTimer: ReturnType<typeof setTimeout> | undefined;
  #lastEventId: string | undefined;
  #unlinks: (() => void)[] = [];
  /**
   * Every abort (the caller's signal, `abort()`, `return()`, a timeout, the client's close)
   * releases what the stream holds right away, whether or not anything is still reading:
   * timers, the links to outside signals, and the body (cancelling it settles a pending read
   * and closes the connection). The error itself is thrown by the next read.
   */
  readonly #onAbort = (): void => {
    this.#release();
    this.#body?.reader.cancel(this.#controller.signal.reason).catch(() => {});
  };

  constructor(open: SSEOpen, options: SSEOptions<E, U>, link?: SSEStreamLink) {
    validateSSEOptions(options);
    this.#open = open;
    this.#options = options;
    this.#link = link;
    this.#terminal = new Set(options.terminal ?? []);
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.#totalTimeoutMs = options.totalTimeoutMs;
    this.#maxEventBytes = options.maxEventBytes ?? 1024 * 1024;
    this.#decode = createMessageDecoder(options);
    this.#idle = new IdleWatch(
      this.#idleTimeoutMs,
      () => this.#controller.abort(IDLE),
      () => this.#controller.signal.aborted,
    );
    // Cancel the body on abort ourselves: a body from a custom `open` may not follow the signal.
    this.#controller.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  get response(): Promise<Response> {
    return this.#connectFirst();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SSEMessage<E, U>, undefined>> {
    if (this.#head < this.#buffer.length) {
      return Promise.resolve({ done: false, value: this.#take() });
    }
    if (this.#finished) return Promise.resolve(DONE);
    return this.#pull();
  }

  async return(): Promise<IteratorResult<SSEMessage<E, U>, undefined>> {
    this.#finish();
    return DONE;
  }

  abort(reason?: unknown): void {
    this.#controller.abort(reason ?? new AbortError('The SSE stream was aborted'));
  }

  toReadableStream(options: ToReadableStreamOptions = {}): ReadableStream<Uint8Array> {
    return toNdjsonStream(this, { errors: options.errors });
  }

  toObjectStream(): ReadableStream<SSEMessage<E, U>> {
    return iteratorToStream(this);
  }

  #take(): SSEMessage<E, U> {
    const value = this.#buffer[this.#head++] as SSEMessage<E, U>;
    if (this.#head === this.#buffer.length) {
      this.#buffer = [];
      this.#head = 0;
    }
    return value;
  }

  async #pull(): Promise<IteratorResult<SSEMessage<E, U>, undefined>> {
    try {
      while (this.#head >= this.#buffer.length) {
        if (this.#ended) {
          if (this.#failure !== undefined) throw this.#failure;
          this.#finish();
          return DONE;
        }
        await this.#step();
      }
      return { done: false, value: this.#take() };
    } catch (error) {
      const mapped = this.#mapFailure(error);
      this.#finish();
      if (mapped === CLOSED) return DONE;
      throw mapped;
    }
  }

  /** Link the caller's signal (removed when the stream ends) and open the first response. */
  #connectFirst(): Promise<Response> {
    if (!this.#first) {
      const signal = this.#options.signal;
      if (signal) this.#follow(signal, () => signal.reason);
      const link = this.#link;
      if (link) this.#follow(link.signal, link.error);
      const total = this.#totalTimeoutMs;
      if (total !== undefined && !this.#controller.signal.aborted) {
        this.#totalTimer = unref(setTimeout(() => this.#controller.abort(TOTAL), total));
      }
      this.#first = this.#connect(undefined);
      this.#first.catch(() => {});
    }
    return this.#first;
  }

  /** Abort the stream when `signal` aborts; the listener goes when the stream is released. */
  #follow(signal: AbortSignal, reason: () => unknown): void {
    const onAbort = (): void => this.#controller.abort(reason());
    if (signal.aborted) {
      onAbort();
      return;
    }
    if (this.#controller.signal.aborted) return;
    signal.addEventListener('abort', onAbort, { once: true });
    this.#unlinks.push(() => signal.removeEventListener('abort', onAbort));
  }

  async #connect(lastEventId: string | undefined): Promise<Response> {
    const signal = this.#controller.signal;
    if (signal.aborted) throw this.#mapFailure(signal.reason);
    let response: Response;
    try {
      response = await this.#open({ signal, ...(lastEventId ? { lastEventId } : {}) });
    } catch (error) {
      throw this.#mapFailure(error);
    }
    if (!response.ok) throw await errorFromResponse(response, { url: this.#options.url });
    await checkEventStream(response, this.#options);
    return response;
  }

  /** Open the body if needed, read one chunk, and buffer the events it completes. */
  async #step(): Promise<void> {
    if (!this.#body) {
      const first = this.#connections++ === 0;
      const response = await (first ? this.#connectFirst() : this.#connect(this.#lastEventId));
      if (!response.body) return this.#endOfBody(undefined);
      this.#body = new SSEBody(
        response.body,
        this.#maxEventBytes,
        (event) => this.#onEvent(event),
        { url: this.#options.url, lastEventId: () => this.#lastEventId },
      );
      if (this.#controller.signal.aborted) this.#onAbort();
    }
    const body = this.#body;
    const signal = this.#controller.signal;
    let chunk: ReadableStreamReadResult<Uint8Array>;
    this.#idle.readStarted();
    try {
      chunk = await body.reader.read();
    } catch (error) {
      if (signal.aborted) throw error;
      const mapped = this.#options.mapReadError?.(error);
      if (mapped instanceof AbortError || mapped instanceof TimeoutError) throw mapped;
      return this.#endOfBody(error);
    } finally {
      this.#idle.readEnded();
    }
    if (signal.aborted) throw signal.reason;
    body.feed(chunk);
    // After a terminal event the rest of the body is ignored.
    if (this.#ended) return;
    if (chunk.done) return this.#endOfBody(undefined);
  }

  /**
   * Decode one event as the parser completes it. A bad event ends the stream: its error is
   * thrown after the events before it have been handed out. Anything after a terminal event (llama-orch sends `end {}` after `error`) is
   * ignored.
   */
  #onEvent(event: EventSourceMessage): void {
    if (this.#ended) return;
    if (event.id !== undefined) this.#lastEventId = event.id;
    const name = event.event ?? this.#options.defaultEvent ?? 'message';
    let message: SSEMessage<E, U> | undefined;
    try {
      message = this.#decode(name, event, this.#lastEventId);
    } catch (error) {
      this.#failure = error;
      this.#ended = true;
      return;
    }
    if (message) this.#buffer.push(message);
    if (name !== this.#lastName) {
      this.#lastName = name;
      this.#lastIsTerminal = this.#terminal.has(name);
    }
    if (this.#lastIsTerminal) this.#ended = true;
  }

  /** The body ended or dropped: a normal end, a reconnect, or `StreamError('truncated')`. */
  async #endOfBody(cause: unknown): Promise<void> {
    this.#body = undefined;
    this.#idle.clear();
    const reconnect = this.#options.reconnect || undefined;
    if (this.#terminal.size === 0 && cause === undefined) {
      this.#ended = true;
      return;
    }
    if (!reconnect || this.#reconnects >= reconnect.maxAttempts) {
      const expected = [...this.#terminal].join(' or ');
      throw new StreamError(
        cause !== undefined
          ? `The SSE stream dropped before ${expected ? `a terminal event (${expected})` : 'its end'}`
          : `The SSE stream ended before a terminal event (${expected})`,
        {
          code: 'truncated',
          retriable: true,
          lastEventId: this.#lastEventId,
          url: this.#options.url,
          cause,
        },
      );
    }
    this.#reconnects++;
    (this.#options.logger ?? silentLogger).debug('sse reconnect', {
      attempt: this.#reconnects,
      lastEventId: this.#lastEventId,
    });
    try {
      await sleep(reconnect.delayMs ?? 1000, this.#controller.signal);
    } catch {
      throw this.#controller.signal.reason;
    }
  }

  /** Clear the timers and remove the listeners on outside signals. Idempotent. */
  #release(): void {
    this.#idle.clear();
    clearTimeout(this.#totalTimer);
    this.#totalTimer = undefined;
    for (const unlink of this.#unlinks) unlink();
    this.#unlinks = [];
  }

  /** Release everything: timers, outside signals, the body and the request. Idempotent. */
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#ended = true;
    this.#buffer = [];
    this.#head = 0;
    // Aborting runs #onAbort, which releases the timers, the signals and the body.
    if (!this.#controller.signal.aborted) this.#controller.abort(CLOSED);
    this.#release();
    this.#controller.signal.removeEventListener('abort', this.#onAbort);
    this.#body = undefined;
  }

  #mapFailure(error: unknown): unknown {
    return mapSSEFailure(error, this.#controller.signal, {
      url: this.#options.url,
      idleTimeoutMs: this.#idleTimeoutMs,
      totalTimeoutMs: this.#totalTimeoutMs,
    });
  }
}

/**
 * Typed Server-Sent Events over any response source. `open` is called with a signal (pass it
 * to the request) and, on reconnect, the last event id. Each event's `data` is parsed as JSON
 * and validated against its schema, and the message type is a union on `event`: checking the
 * name types `data`. Events without a schema are dropped when `events` has schemas (pass
 * `unknownEvents: 'pass'` to receive them untyped). The stream raises
 * `StreamError('truncated')` when it ends before a `terminal` event,
 * `StreamError('oversized')` when an event or a line passes `maxEventBytes`, `TimeoutError`
 * (`idle`) when no bytes arrive for `idleTimeoutMs`, and `TimeoutError` (`total`) when the
 * whole stream outlasts `totalTimeoutMs`. Iterate it once, one `next()` at a time (as
 * `for await` does), or hand it on with `toReadableStream()`. Breaking out of `for await`,
 * `abort()`, cancelling a readable or the `signal` aborts the request and releases every timer
 * and listener the stream holds.
 *
 * ```ts
 * const stream = streamSSE(({ signal }) => fetch(url, { signal }), { events: { token: Token, end: End }, terminal: ['end'] });
 * for await (const message of stream) if (message.event === 'token') print(message.data.t);
 * ```
 */
export function streamSSE<
  E extends SSEEventSchemas = SSEEventSchemas,
  U extends SSEUnknownEvents = 'drop',
>(open: SSEOpen, options: SSEOptions<E, U> = {}): SSEStream<E, U> {
  return new SSEStreamImpl(open, options);
}

/** {@link streamSSE} with a link to the client that opened it (see {@link SSEStreamLink}). */
export function streamLinkedSSE<E extends SSEEventSchemas, U extends SSEUnknownEvents>(
  open: SSEOpen,
  options: SSEOptions<E, U>,
  link: SSEStreamLink,
): SSEStream<E, U> {
  return new SSEStreamImpl(open, options, link);
}
