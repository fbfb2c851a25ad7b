// docs/protocols/llama-orch.md §6.7 (parser requirements).
// Streams are async iterables that stop cleanly on abort and report truncation as an error.
import {
  AbortError,
  ConnectionError,
  isUplinkError,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { errorFromResponse } from './error-from-response.js';
import { iteratorToStream } from './iterator-to-stream.js';
import { silentLogger } from './logger.js';
import { sleep } from './sleep.js';
import { TolerantFraming } from './sse-framing.js';
import { createMessageDecoder, type MessageDecoder } from './sse-message.js';
import { validateSSEOptions } from './sse-options.js';
import { checkEventStream } from './sse-response-check.js';
import type { SSEEventSchemas, SSEMessage, SSEOpen, SSEOptions, SSEStream } from './sse-types.js';

/** Abort reasons set by the stream itself. */
const IDLE = Symbol('uplink.sseIdle');
const TOTAL = Symbol('uplink.sseTotal');
const CLOSED = Symbol('uplink.sseClosed');
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** The body being read, with its own decoder and parser state. */
interface Body {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  decoder: TextDecoder;
  framing: TolerantFraming;
  parser: EventSourceParser;
}

/**
 * A hand-written async iterator rather than an async generator: events parsed from one chunk
 * are buffered and handed out with an already-resolved promise each, which keeps the
 * per-event cost close to a bare parser loop (see the throughput benchmark).
 */
class SSEStreamImpl<E extends SSEEventSchemas>
  implements SSEStream<E>, AsyncIterableIterator<SSEMessage<E>>
{
  readonly #open: SSEOpen;
  readonly #options: SSEOptions<E>;
  readonly #controller = new AbortController();
  readonly #terminal: ReadonlySet<string>;
  readonly #idleTimeoutMs: number;
  readonly #totalTimeoutMs: number | undefined;
  readonly #maxEventBytes: number;
  readonly #decode: MessageDecoder<E>;
  #first: Promise<Response> | undefined;
  #body: Body | undefined;
  /** Parsed events not yet handed out; `#head` is the next one. */
  #buffer: SSEMessage<E>[] = [];
  #head = 0;
  /** The last event name seen and whether it is terminal (names repeat; lookups are not free). */
  #lastName: string | undefined;
  #lastIsTerminal = false;
  #oversized = false;
  /** A bad event (malformed JSON, schema mismatch): thrown once the events before it are out. */
  #failure: unknown = undefined;
  #ended = false;
  #finished = false;
  #reconnects = 0;
  /** Bodies opened so far; the first comes from `#connectFirst` (shared with `response`). */
  #connections = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #totalTimer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` of the last read: a monotonic clock, so a wall-clock step is no idle. */
  #lastActivity = 0;
  /** True only while waiting for bytes: time the consumer spends between events is not idle. */
  #reading = false;
  #lastEventId: string | undefined;
  #unlink: (() => void) | undefined;
  readonly #onAbort = (): void => {
    this.#body?.reader.cancel(this.#controller.signal.reason).catch(() => {});
  };

  constructor(open: SSEOpen, options: SSEOptions<E>) {
    validateSSEOptions(options);
    this.#open = open;
    this.#options = options;
    this.#terminal = new Set(options.terminal ?? []);
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.#totalTimeoutMs = options.totalTimeoutMs;
    this.#maxEventBytes = options.maxEventBytes ?? 1024 * 1024;
    this.#decode = createMessageDecoder(options);
    // Cancel the body on abort ourselves: a body from a custom `open` may not follow the signal.
    this.#controller.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  get response(): Promise<Response> {
    return this.#connectFirst();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SSEMessage<E>, undefined>> {
    if (this.#head < this.#buffer.length) {
      return Promise.resolve({ done: false, value: this.#take() });
    }
    if (this.#finished) return Promise.resolve(DONE);
    return this.#pull();
  }

  async return(): Promise<IteratorResult<SSEMessage<E>, undefined>> {
    this.#finish();
    return DONE;
  }

  abort(reason?: unknown): void {
    this.#controller.abort(reason ?? new AbortError('The SSE stream was aborted'));
  }

  toReadableStream(): ReadableStream<SSEMessage<E>> {
    return iteratorToStream(this);
  }

  #take(): SSEMessage<E> {
    const value = this.#buffer[this.#head++] as SSEMessage<E>;
    if (this.#head === this.#buffer.length) {
      this.#buffer = [];
      this.#head = 0;
    }
    return value;
  }

  async #pull(): Promise<IteratorResult<SSEMessage<E>, undefined>> {
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
      if (signal) {
        const onAbort = (): void => this.#controller.abort(signal.reason);
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener('abort', onAbort, { once: true });
          this.#unlink = () => signal.removeEventListener('abort', onAbort);
        }
      }
      const total = this.#totalTimeoutMs;
      if (total !== undefined) {
        this.#totalTimer = setTimeout(() => this.#controller.abort(TOTAL), total);
      }
      this.#first = this.#connect(undefined);
      this.#first.catch(() => {});
    }
    return this.#first;
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
      this.#body = {
        reader: response.body.getReader(),
        decoder: new TextDecoder(),
        framing: new TolerantFraming(),
        parser: createParser({
          onEvent: (event) => this.#onEvent(event),
          onError: (error) => {
            if (error.type === 'max-buffer-size-exceeded') this.#oversized = true;
          },
          maxBufferSize: this.#maxEventBytes,
        }),
      };
      if (this.#controller.signal.aborted) this.#onAbort();
      this.#armIdle();
    }
    const body = this.#body;
    const signal = this.#controller.signal;
    let chunk: ReadableStreamReadResult<Uint8Array>;
    this.#lastActivity = performance.now();
    this.#reading = true;
    try {
      chunk = await body.reader.read();
    } catch (error) {
      if (signal.aborted) throw error;
      const mapped = this.#options.mapReadError?.(error);
      if (mapped instanceof AbortError || mapped instanceof TimeoutError) throw mapped;
      return this.#endOfBody(error);
    } finally {
      this.#reading = false;
    }
    if (signal.aborted) throw signal.reason;
    this.#lastActivity = performance.now();
    const text = chunk.done
      ? body.decoder.decode()
      : body.decoder.decode(chunk.value, { stream: true });
    if (text) {
      const framed = process.env.NOFRAME ? text : body.framing.transform(text);
      // A line the parser discards (no field name, a comment) never reaches maxEventBytes,
      // so an endless one would stream forever: cap every line. One compare per chunk; only
      // a chunk longer than the limit is searched for a long line inside it.
      const max = this.#maxEventBytes;
      if (body.framing.lineLength > max || (text.length > max && longestLine(text) > max)) {
        throw new StreamError(
          `An SSE line exceeded the limit of ${max} bytes without a line break (maxEventBytes)`,
          { code: 'oversized', lastEventId: this.#lastEventId, url: this.#options.url },
        );
      }
      body.parser.feed(framed);
    }
    if (this.#oversized) {
      throw new StreamError(`An SSE event exceeded the limit of ${this.#maxEventBytes} bytes`, {
        code: 'oversized',
        lastEventId: this.#lastEventId,
        url: this.#options.url,
      });
    }
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
    let message: SSEMessage<E> | undefined;
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
    clearTimeout(this.#idleTimer);
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

  /** One timer per stream, re-armed lazily: cheap even at a million events. */
  #armIdle(): void {
    const idle = this.#idleTimeoutMs;
    if (!(idle > 0)) return;
    clearTimeout(this.#idleTimer);
    const check = (): void => {
      const elapsed = this.#reading ? performance.now() - this.#lastActivity : 0;
      if (elapsed >= idle) this.#controller.abort(IDLE);
      else this.#idleTimer = setTimeout(check, idle - elapsed);
    };
    this.#idleTimer = setTimeout(check, idle);
  }

  /** Release everything: timers, the caller's signal, the body and the request. Idempotent. */
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#ended = true;
    this.#buffer = [];
    this.#head = 0;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#totalTimer);
    this.#unlink?.();
    if (!this.#controller.signal.aborted) this.#controller.abort(CLOSED);
    this.#controller.signal.removeEventListener('abort', this.#onAbort);
    this.#body = undefined;
  }

  #mapFailure(error: unknown): unknown {
    const signal = this.#controller.signal;
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason === CLOSED) return CLOSED;
      if (reason === TOTAL) {
        return new TimeoutError(
          `The SSE stream did not finish within its total timeout of ${this.#totalTimeoutMs} ms`,
          { timeout: 'total', timeoutMs: this.#totalTimeoutMs, url: this.#options.url },
        );
      }
      if (reason === IDLE) {
        return new TimeoutError(`The SSE stream received no bytes for ${this.#idleTimeoutMs} ms`, {
          timeout: 'idle',
          timeoutMs: this.#idleTimeoutMs,
          url: this.#options.url,
        });
      }
      if (isUplinkError(error)) return error;
      if (isUplinkError(reason)) return reason;
      return new AbortError('The SSE stream was aborted', {
        url: this.#options.url,
        cause: reason,
      });
    }
    if (isUplinkError(error)) return error;
    return new ConnectionError(
      `The SSE stream failed: ${error instanceof Error ? error.message : String(error)}`,
      { url: this.#options.url, cause: error },
    );
  }
}

/** The longest line in `text`, in characters (line breaks: LF, CR, CRLF). */
function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (;;) {
    const lf = text.indexOf('\n', start);
    const cr = text.indexOf('\r', start);
    const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    const length = (end === -1 ? text.length : end) - start;
    if (length > longest) longest = length;
    if (end === -1) return longest;
    start = end + 1;
  }
}

/**
 * Typed Server-Sent Events over any response source. `open` is called with a signal (pass it
 * to the request) and, on reconnect, the last event id. Each event's `data` is parsed as JSON
 * and validated against its schema; unknown events pass untyped (or are dropped). The stream
 * raises `StreamError('truncated')` when it ends before a `terminal` event,
 * `StreamError('oversized')` when an event or a line passes `maxEventBytes`, `TimeoutError`
 * (`idle`) when no bytes arrive for `idleTimeoutMs`, and `TimeoutError` (`total`) when the
 * whole stream outlasts `totalTimeoutMs`. Breaking out of `for await` aborts the request. Iterate it once,
 * one `next()` at a time (as `for await` does).
 */
export function streamSSE<E extends SSEEventSchemas = SSEEventSchemas>(
  open: SSEOpen,
  options: SSEOptions<E> = {},
): SSEStream<E> {
  return new SSEStreamImpl(open, options);
}
