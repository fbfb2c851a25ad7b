// What both completion streams (the live one and the one read back from bytes) offer on top of
// their chunks: the texts, and the byte, object and Response forms (docs/client.md, "Streams as
// bytes"). Each form claims the stream's one pass over its chunks.
import { iteratorToStream, type ToReadableStreamOptions, toNdjsonStream } from '@uplink/http';
import {
  completionEndLine,
  completionTextStream,
  ndjsonResponse,
  textStreamResponse,
  textsOf,
} from './completion-bytes.js';
import type { CompletionChunk, CompletionResult } from './completion-result.js';

/**
 * The chunks of a completion, and the forms they can be handed on in. Consume it once:
 * iterate the chunks, `textStream`, or one of the forms.
 */
export abstract class CompletionChunks implements AsyncIterable<CompletionChunk> {
  /** The stream's one pass over its chunks; throws when it was claimed already. */
  protected abstract claimChunks(): AsyncIterator<CompletionChunk>;

  /** The result, once the pass has ended (whatever consumes the chunks). */
  protected abstract settledResult(): Promise<Omit<CompletionResult, 'enqueue'>>;

  /** Iterate the chunks. Only one consumer may iterate (chunks, `textStream` or a readable stream). */
  [Symbol.asyncIterator](): AsyncIterator<CompletionChunk> {
    return this.claimChunks();
  }

  /** The token texts, in order, as they arrive. Claims the stream like iterating it does. */
  get textStream(): AsyncIterable<string> {
    return textsOf(this.claimChunks());
  }

  /**
   * The completion as bytes for a web `Response`, for a browser to read with
   * `completionStreamFromReadableStream`: NDJSON, one chunk per line as iterating gives it,
   * then one `{"type":"end", ...}` line ({@link CompletionEndLine}); when the completion fails,
   * a last `{"uplink_error": {...}}` line instead, whose message names no URL, host or address
   * unless `errors: 'full'`. Cancelling it stops the completion. Claims the stream.
   *
   * ```ts
   * return new Response(stream.toReadableStream(), { headers: { 'content-type': 'application/x-ndjson' } });
   * ```
   */
  toReadableStream(options: ToReadableStreamOptions = {}): ReadableStream<Uint8Array> {
    return toNdjsonStream(this.claimChunks(), {
      end: async () => completionEndLine(await this.settledResult()),
      errors: options.errors,
    });
  }

  /** The chunks as a `ReadableStream` of objects; cancelling it stops the completion. Claims the stream. */
  toObjectStream(): ReadableStream<CompletionChunk> {
    return iteratorToStream(this.claimChunks());
  }

  /**
   * The token texts as UTF-8 bytes (plain text, no framing). A failure errors the stream, so a
   * `Response` built on it ends with a network error rather than a clean end. Claims the stream.
   */
  toTextStream(): ReadableStream<Uint8Array> {
    return completionTextStream(this.claimChunks());
  }

  /** A `Response` of {@link toTextStream}, `text/plain; charset=utf-8`, for `fetch`-style handlers. */
  toTextStreamResponse(init?: ResponseInit): Response {
    return textStreamResponse(this.toTextStream(), init);
  }

  /** A `Response` of {@link toReadableStream}, `application/x-ndjson`, for `fetch`-style handlers. */
  toResponse(init?: ResponseInit, options?: ToReadableStreamOptions): Response {
    return ndjsonResponse(this.toReadableStream(options), init);
  }
}
