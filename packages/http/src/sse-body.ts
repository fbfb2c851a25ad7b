// docs/protocols/llama-orch.md §6.7 (parser requirements): one SSE response body, decoded,
// framed and parsed chunk by chunk, with every event and every line capped.
import { StreamError } from '@uplink/core-schemas';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { TolerantFraming } from './sse-framing.js';

/** Where a body's failures are reported from. */
export interface SSEBodyContext {
  url: string | undefined;
  lastEventId: () => string | undefined;
}

/**
 * The body being read, with its own decoder, framing and parser state: each chunk is decoded
 * (UTF-8 split across chunks included), framed, checked against `maxEventBytes` and fed to the
 * parser, which hands each complete event to `onEvent`.
 */
export class SSEBody {
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  readonly #framing = new TolerantFraming();
  readonly #parser: EventSourceParser;
  readonly #maxEventBytes: number;
  readonly #context: SSEBodyContext;
  #oversized = false;

  constructor(
    body: ReadableStream<Uint8Array>,
    maxEventBytes: number,
    onEvent: (event: EventSourceMessage) => void,
    context: SSEBodyContext,
  ) {
    this.reader = body.getReader();
    this.#maxEventBytes = maxEventBytes;
    this.#context = context;
    this.#parser = createParser({
      onEvent,
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.#oversized = true;
      },
      maxBufferSize: maxEventBytes,
    });
  }

  /**
   * Feed one read's result (`done` flushes the decoder). Throws `StreamError('oversized')` for
   * an event or a line over `maxEventBytes`.
   */
  feed(chunk: ReadableStreamReadResult<Uint8Array>): void {
    const text = chunk.done
      ? this.#decoder.decode()
      : this.#decoder.decode(chunk.value, { stream: true });
    const max = this.#maxEventBytes;
    if (text) {
      const framed = this.#framing.transform(text);
      // A line the parser discards (no field name, a comment) never reaches maxEventBytes,
      // so an endless one would stream forever: cap every line. One compare per chunk; only
      // a chunk longer than the limit is searched for a long line inside it.
      if (this.#framing.lineLength > max || (text.length > max && longestLine(text) > max)) {
        throw this.#oversizedError(
          `An SSE line exceeded the limit of ${max} bytes without a line break (maxEventBytes)`,
        );
      }
      this.#parser.feed(framed);
    }
    if (this.#oversized) {
      throw this.#oversizedError(`An SSE event exceeded the limit of ${max} bytes`);
    }
  }

  #oversizedError(message: string): StreamError {
    return new StreamError(message, {
      code: 'oversized',
      lastEventId: this.#context.lastEventId(),
      url: this.#context.url,
    });
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
