// The inverse of `SSEStream.toReadableStream()` (docs/client.md, "Streams as bytes").
import { ResponseValidationError, StreamError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { iteratorToStream } from './iterator-to-stream.js';
import type { ToReadableStreamOptions } from './ndjson-error.js';
import { readNdjson } from './ndjson-reader.js';
import { toNdjsonStream } from './ndjson-stream.js';
import { dropsUnknownEvents } from './sse-message.js';
import type {
  SSEEventSchemas,
  SSEMessage,
  SSEMessageStream,
  SSEUnknownEvents,
} from './sse-types.js';

/** Options for {@link sseStreamFromReadableStream}. */
export interface SSEFromReadableStreamOptions<
  E extends SSEEventSchemas = SSEEventSchemas,
  U extends SSEUnknownEvents = 'drop',
> {
  /** Schemas for the `data` of each known event name, checked again on this side. @default {} */
  events?: E | undefined;
  /**
   * Event names that end the stream. When given, bytes that end before one of them raise
   * `StreamError('truncated')` (the relay was cut), and anything after one is ignored.
   * @default [] (the stream ends with the bytes)
   */
  terminal?: (keyof E & string)[] | undefined;
  /** Events with no schema in `events`: dropped, or passed through untyped. @default 'drop' when `events` has a schema, else 'pass' */
  unknownEvents?: U | undefined;
  /** Stops reading; a pending or later read throws `AbortError`. @default undefined */
  signal?: AbortSignal | undefined;
  /** A line longer than this raises `StreamError('oversized')`. @default 1048576 */
  maxLineBytes?: number | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Read the bytes `SSEStream.toReadableStream()` produced (for example a `fetch` body in the
 * browser) back into typed messages: each line is checked to be `{event, data, id?}` and its
 * `data` validated against the schema for its event (`ResponseValidationError` otherwise); an
 * error line is thrown as the error it describes; a line that is not JSON raises
 * `StreamError('malformed')`.
 *
 * ```ts
 * const response = await fetch('/api/events');
 * for await (const message of sseStreamFromReadableStream(response.body!, { events, terminal: ['end'] })) {
 *   if (message.event === 'token') console.log(message.data.t);
 * }
 * ```
 */
export function sseStreamFromReadableStream<
  E extends SSEEventSchemas = SSEEventSchemas,
  U extends SSEUnknownEvents = 'drop',
>(
  stream: ReadableStream<Uint8Array>,
  options: SSEFromReadableStreamOptions<E, U> = {},
): SSEMessageStream<E, U> {
  return new SSEFromNdjson<E, U>(stream, options);
}

class SSEFromNdjson<E extends SSEEventSchemas, U extends SSEUnknownEvents>
  implements SSEMessageStream<E, U>, AsyncIterableIterator<SSEMessage<E, U>>
{
  readonly #lines: AsyncIterableIterator<unknown>;
  readonly #controller = new AbortController();
  readonly #events: Map<string, v.GenericSchema>;
  readonly #terminal: ReadonlySet<string>;
  readonly #drop: boolean;
  readonly #unlink: (() => void) | undefined;
  #done = false;

  constructor(stream: ReadableStream<Uint8Array>, options: SSEFromReadableStreamOptions<E, U>) {
    this.#events = new Map(Object.entries(options.events ?? {}));
    this.#terminal = new Set(options.terminal ?? []);
    this.#drop = dropsUnknownEvents(options);
    const outer = options.signal;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    else if (outer) {
      const onAbort = (): void => this.#controller.abort(outer.reason);
      outer.addEventListener('abort', onAbort, { once: true });
      this.#unlink = () => outer.removeEventListener('abort', onAbort);
      // An abort releases the caller's signal at once, even if nothing reads again.
      this.#controller.signal.addEventListener('abort', this.#unlink, { once: true });
    }
    this.#lines = readNdjson(stream, {
      signal: this.#controller.signal,
      maxLineBytes: options.maxLineBytes,
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<SSEMessage<E, U>, undefined>> {
    if (this.#done) return DONE;
    try {
      for (;;) {
        const line = await this.#lines.next();
        if (line.done) {
          if (this.#terminal.size > 0) {
            throw new StreamError(
              `The relayed SSE stream ended before a terminal event (${[...this.#terminal].join(' or ')})`,
              { code: 'truncated', retriable: true },
            );
          }
          this.#finish();
          return DONE;
        }
        const message = this.#message(line.value);
        if (!message) continue;
        if (this.#terminal.has(message.event)) await this.return();
        return { done: false, value: message };
      }
    } catch (error) {
      await this.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<SSEMessage<E, U>, undefined>> {
    this.#finish();
    await this.#lines.return?.();
    return DONE;
  }

  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  toReadableStream(options: ToReadableStreamOptions = {}): ReadableStream<Uint8Array> {
    return toNdjsonStream(this, { errors: options.errors });
  }

  toObjectStream(): ReadableStream<SSEMessage<E, U>> {
    return iteratorToStream(this);
  }

  #finish(): void {
    this.#done = true;
    this.#unlink?.();
  }

  /** One line as a message, `undefined` when its event is dropped; throws when it is not one. */
  #message(value: unknown): SSEMessage<E, U> | undefined {
    const line = (typeof value === 'object' && value !== null ? value : {}) as Record<
      string,
      unknown
    >;
    const { event, id } = line;
    if (
      typeof event !== 'string' ||
      !('data' in line) ||
      (id !== undefined && typeof id !== 'string')
    ) {
      throw new StreamError('A relayed SSE line is not an {"event", "data", "id"} message', {
        code: 'malformed',
      });
    }
    const schema = this.#events.get(event);
    if (!schema) {
      return this.#drop ? undefined : ({ event, data: line.data, id } as SSEMessage<E, U>);
    }
    const result = v.safeParse(schema, line.data);
    if (!result.success) {
      throw new ResponseValidationError({
        issues: result.issues,
        subject: `relayed SSE event "${event}"`,
      });
    }
    return { event, data: result.output, id } as SSEMessage<E, U>;
  }
}
