// Reading what `toReadableStream()` produced (docs/client.md, "Streams as bytes"): NDJSON,
// one JSON value per line, maybe ending with an error line.
import { AbortError, StreamError } from '@uplink/core-schemas';
import { errorFromRecord, NDJSON_ERROR_KEY } from './ndjson-error.js';

/** Options for {@link readNdjson}. */
export interface ReadNdjsonOptions {
  /**
   * A line longer than this raises `StreamError('oversized')` instead of growing memory.
   * Counted in UTF-16 code units of the decoded text (bytes, for ASCII JSON).
   * @default 1048576
   */
  maxLineBytes?: number | undefined;
  /** Stops reading: the stream is cancelled and a pending or later read throws `AbortError`. @default undefined */
  signal?: AbortSignal | undefined;
  /**
   * Turns the record of an error line (the value under `uplink_error`) into the error to
   * throw, for streams whose errors carry fields of their own.
   * @default errorFromRecord
   */
  decodeError?: ((record: unknown) => unknown) | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

function abortError(reason: unknown): AbortError {
  const message =
    reason instanceof Error && reason.message ? reason.message : 'Reading the stream was aborted';
  return new AbortError(message, { cause: reason });
}

/**
 * The JSON values of an NDJSON byte stream, one per line (blank lines skipped, CRLF accepted,
 * a last line without a newline included). An `{"uplink_error": {...}}` line is thrown as the
 * error it describes (see `errorFromRecord`); a line that is not JSON raises
 * `StreamError('malformed')`. Read it once. `return()`, an error, the end of the bytes or the
 * signal cancel the underlying stream and release its reader.
 */
export function readNdjson(
  stream: ReadableStream<Uint8Array>,
  options: ReadNdjsonOptions = {},
): AsyncIterableIterator<unknown> {
  return new NdjsonReader(stream, options);
}

class NdjsonReader implements AsyncIterableIterator<unknown> {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  readonly #maxLineBytes: number;
  readonly #signal: AbortSignal | undefined;
  readonly #decodeError: (record: unknown) => unknown;
  readonly #onAbort = (): void => {
    void this.#release();
  };
  #buffer = '';
  #lines: string[] = [];
  #ended = false;
  #finished = false;

  constructor(stream: ReadableStream<Uint8Array>, options: ReadNdjsonOptions) {
    this.#reader = stream.getReader();
    this.#maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
    this.#signal = options.signal;
    this.#decodeError = options.decodeError ?? errorFromRecord;
    if (this.#signal?.aborted) void this.#release();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<unknown, undefined>> {
    try {
      for (;;) {
        if (this.#signal?.aborted) throw abortError(this.#signal.reason);
        const line = this.#lines.shift();
        if (line !== undefined) {
          const value = this.#parse(line);
          if (value !== undefined) return { done: false, value: value.json };
          continue;
        }
        if (this.#ended || this.#finished) {
          await this.#release();
          return DONE;
        }
        await this.#fill();
      }
    } catch (error) {
      await this.#release();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<unknown, undefined>> {
    await this.#release();
    return DONE;
  }

  /** Read one chunk and split off the complete lines. */
  async #fill(): Promise<void> {
    const { done, value } = await this.#reader.read();
    if (this.#signal?.aborted) throw abortError(this.#signal.reason);
    if (this.#finished) return;
    const text = done ? this.#decoder.decode() : this.#decoder.decode(value, { stream: true });
    this.#buffer += text;
    let start = 0;
    for (let newline = this.#buffer.indexOf('\n'); newline !== -1; ) {
      this.#lines.push(this.#buffer.slice(start, newline));
      start = newline + 1;
      newline = this.#buffer.indexOf('\n', start);
    }
    this.#buffer = start === 0 ? this.#buffer : this.#buffer.slice(start);
    if (this.#buffer.length > this.#maxLineBytes) {
      throw new StreamError(
        `An NDJSON line exceeded the limit of ${this.#maxLineBytes} bytes without a line break (maxLineBytes)`,
        { code: 'oversized' },
      );
    }
    if (done) {
      this.#ended = true;
      if (this.#buffer !== '') this.#lines.push(this.#buffer);
      this.#buffer = '';
    }
  }

  /** One line as `{json}`, `undefined` for a blank line; throws for an error line or bad JSON. */
  #parse(raw: string): { json: unknown } | undefined {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return undefined;
    if (line.length > this.#maxLineBytes) {
      throw new StreamError(
        `An NDJSON line exceeded the limit of ${this.#maxLineBytes} bytes (maxLineBytes)`,
        { code: 'oversized' },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
      throw new StreamError(`An NDJSON line is not JSON: "${shown}"`, { code: 'malformed' });
    }
    if (
      typeof json === 'object' &&
      json !== null &&
      !Array.isArray(json) &&
      Object.hasOwn(json, NDJSON_ERROR_KEY)
    ) {
      throw this.#decodeError((json as Record<string, unknown>)[NDJSON_ERROR_KEY]);
    }
    return { json };
  }

  /** Cancel the byte stream and release its reader and the signal's listener. Idempotent. */
  async #release(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.#lines = [];
    this.#buffer = '';
    this.#signal?.removeEventListener('abort', this.#onAbort);
    // Cancelling settles a read still pending; releasing the lock then cannot fail.
    await this.#reader.cancel().catch(() => {});
    this.#reader.releaseLock();
  }
}
