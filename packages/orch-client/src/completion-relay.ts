// Reading a completion that a server handed on as bytes (docs/client.md, "Streams as bytes").
import { AbortError, StreamError, UplinkError } from '@uplink/core-schemas';
import type { SseMetrics } from '@uplink/core-schemas/llama-orch';
import { iteratorToStream, readNdjson, toNdjsonStream } from '@uplink/http';
import {
  type CompletionEndLine,
  completionEndLine,
  completionTextStream,
  ndjsonResponse,
  textStreamResponse,
  textsOf,
} from './completion-bytes.js';
import { parseCompletionLine } from './completion-line.js';
import { abortError, type CompletionChunk, type CompletionResult } from './completion-result.js';
import type { TaskTokenEvent } from './task-events.js';

/** Options of {@link completionStreamFromReadableStream}. */
export interface CompletionFromReadableStreamOptions {
  /** Stops reading; a pending or later read throws `AbortError`. @default undefined */
  signal?: AbortSignal | undefined;
  /** A line longer than this raises `StreamError('oversized')`. @default 1048576 */
  maxLineBytes?: number | undefined;
}

/**
 * The result of a completion read from bytes: a {@link CompletionResult} without `enqueue`
 * (the admission and its URLs stay on the server that relayed it).
 */
export type RelayedCompletionResult = Omit<CompletionResult, 'enqueue'>;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Read a completion that a server handed on with `CompletionStream.toReadableStream()` (a
 * `fetch` body in the browser): the same chunks, `textStream`, and a `finalResult()` checked
 * against the end line. Stopping it closes the connection, which cancels the task on a server
 * that relays the completion that way. A separate function rather than a static method, so a
 * page that only reads relayed completions does not bundle the llama-orch client.
 *
 * ```ts
 * const response = await fetch('/api/complete', { method: 'POST', body });
 * for await (const text of completionStreamFromReadableStream(response.body!).textStream) show(text);
 * ```
 */
export function completionStreamFromReadableStream(
  stream: ReadableStream<Uint8Array>,
  options: CompletionFromReadableStreamOptions = {},
): RelayedCompletionStream {
  return new RelayedCompletionStream(stream, options);
}

/**
 * A completion read back from the bytes of `CompletionStream.toReadableStream()` (create it
 * with {@link completionStreamFromReadableStream}), for example
 * in a browser. Consume it once: iterate the chunks, `textStream`, or hand it on again;
 * `finalResult()` works alongside any of them, or alone. Every line is validated; the stream
 * fails with the relayed error when the bytes end with an error line, with
 * `StreamError('truncated')` when they end before the end line, and with
 * `StreamError('malformed')` when the end line counts other tokens than arrived.
 */
export class RelayedCompletionStream implements AsyncIterable<CompletionChunk> {
  readonly #lines: AsyncIterableIterator<unknown>;
  readonly #controller = new AbortController();
  readonly #result: Promise<RelayedCompletionResult>;
  readonly #tokens: TaskTokenEvent[] = [];
  #resolve!: (result: RelayedCompletionResult) => void;
  #reject!: (error: unknown) => void;
  #unlink: (() => void) | undefined;
  #claimed = false;
  #settled = false;
  #done = false;
  #metrics: SseMetrics | undefined;
  #taskId: string | undefined;
  #correlationId: string | undefined;

  constructor(stream: ReadableStream<Uint8Array>, options: CompletionFromReadableStreamOptions) {
    this.#result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The result is optional: an unobserved failure must not be an unhandled rejection.
    this.#result.catch(() => {});
    const outer = options.signal;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    else if (outer) {
      const onAbort = (): void => this.abort(outer.reason);
      outer.addEventListener('abort', onAbort, { once: true });
      this.#unlink = () => outer.removeEventListener('abort', onAbort);
    }
    this.#lines = readNdjson(stream, {
      signal: this.#controller.signal,
      maxLineBytes: options.maxLineBytes,
    });
  }

  /** The task id, once the `started` chunk (or the end line) arrived. */
  get taskId(): string | undefined {
    return this.#taskId;
  }

  /** The correlation id, once the `started` chunk (or the end line) arrived. */
  get correlationId(): string | undefined {
    return this.#correlationId;
  }

  /** Iterate the chunks, exactly as the relaying server's stream gave them. Claims the stream. */
  [Symbol.asyncIterator](): AsyncIterator<CompletionChunk> {
    return this.#claim();
  }

  /** The token texts, in order, as they arrive. Claims the stream. */
  get textStream(): AsyncIterable<string> {
    return textsOf(this.#claim());
  }

  /** The same bytes again (chunks, end line or error line), to relay further. Claims the stream. */
  toReadableStream(): ReadableStream<Uint8Array> {
    return toNdjsonStream(this.#claim(), {
      end: async () => completionEndLine(await this.#result),
    });
  }

  /** The chunks as a `ReadableStream` of objects. Claims the stream. */
  toObjectStream(): ReadableStream<CompletionChunk> {
    return iteratorToStream(this.#claim());
  }

  /** The token texts as UTF-8 bytes; a failure errors the stream. Claims the stream. */
  toTextStream(): ReadableStream<Uint8Array> {
    return completionTextStream(this.#claim());
  }

  /** A `text/plain; charset=utf-8` `Response` of {@link toTextStream}. */
  toTextStreamResponse(init?: ResponseInit): Response {
    return textStreamResponse(this.toTextStream(), init);
  }

  /** An `application/x-ndjson` `Response` of {@link toReadableStream}. */
  toResponse(init?: ResponseInit): Response {
    return ndjsonResponse(this.toReadableStream(), init);
  }

  /**
   * The joined result, once the end line arrived. Lazy: when nothing consumes the stream yet,
   * this consumes it. Rejects with the stream's error, or `AbortError` when it was stopped.
   */
  finalResult(): Promise<RelayedCompletionResult> {
    if (!this.#claimed) {
      const iterator = this.#claim();
      void (async () => {
        try {
          while (!(await iterator.next()).done) {
            // Draining: each line is recorded as it passes.
          }
        } catch {
          // Already settled with this error.
        }
      })();
    }
    return this.#result;
  }

  /**
   * Stop reading: the bytes are cancelled (which closes the connection, so a server relaying
   * a `CompletionStream` cancels the task), and a pending or later read throws `AbortError`.
   */
  abort(reason?: unknown): void {
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(reason ?? new AbortError('The relayed completion was stopped'));
    }
    this.#settle(() => this.#reject(abortError(this.#controller.signal.reason)));
    if (!this.#claimed) void this.#lines.return?.();
  }

  #claim(): AsyncIterator<CompletionChunk> {
    if (this.#claimed) {
      throw new UplinkError(
        'This completion is already being consumed; iterate it, its textStream or a readable stream once',
      );
    }
    this.#claimed = true;
    return {
      next: () => this.#next(),
      return: async () => {
        this.#done = true;
        await this.#lines.return?.();
        this.#settle(() =>
          this.#reject(new AbortError('The relayed completion was closed before it finished')),
        );
        return DONE;
      },
    };
  }

  async #next(): Promise<IteratorResult<CompletionChunk>> {
    if (this.#done) return DONE;
    try {
      const next = await this.#lines.next();
      if (next.done) {
        throw new StreamError('The relayed completion ended before its end line', {
          code: 'truncated',
          retriable: true,
          correlationId: this.#correlationId,
        });
      }
      const line: CompletionChunk | CompletionEndLine = parseCompletionLine(next.value);
      if (line.type !== 'end') {
        if (line.type === 'started') {
          this.#taskId = line.taskId;
          this.#correlationId = line.correlationId;
        } else if (line.type === 'token') {
          this.#tokens.push(line);
        } else {
          this.#metrics = line.metrics;
        }
        return { done: false, value: line };
      }
      if (line.tokensOut !== this.#tokens.length) {
        throw new StreamError(
          `The relayed completion's end line counts ${line.tokensOut} tokens, but ${this.#tokens.length} arrived`,
          { code: 'malformed', correlationId: line.correlationId },
        );
      }
      this.#taskId = line.taskId;
      this.#correlationId = line.correlationId;
      this.#done = true;
      await this.#lines.return?.();
      const ordered = [...this.#tokens].sort((a, b) => a.index - b.index);
      const texts = ordered.map((t) => t.text);
      this.#settle(() =>
        this.#resolve({
          text: texts.join(''),
          tokens: texts,
          tokensOut: texts.length,
          reportedTokensOut: line.reportedTokensOut,
          decodeMs: line.decodeMs,
          metrics: this.#metrics,
          correlationId: line.correlationId,
          taskId: line.taskId,
          sessionId: line.sessionId,
          canceled: line.canceled,
        }),
      );
      return DONE;
    } catch (error) {
      this.#done = true;
      await this.#lines.return?.();
      this.#settle(() => this.#reject(error));
      throw error;
    }
  }

  #settle(action: () => void): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#unlink?.();
    action();
  }
}
