// Reading a completion that a server handed on as bytes (docs/client.md, "Streams as bytes").
import { AbortError, StreamError, UplinkError } from '@uplink/core-schemas';
import type { SseMetrics } from '@uplink/core-schemas/llama-orch';
import { drainInBackground, readNdjson, StreamResult } from '@uplink/http';
import type { CompletionEndLine } from './completion-bytes.js';
import { CompletionChunks } from './completion-chunks.js';
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
export class RelayedCompletionStream extends CompletionChunks {
  readonly #lines: AsyncIterableIterator<unknown>;
  readonly #controller = new AbortController();
  readonly #result = new StreamResult<RelayedCompletionResult>();
  readonly #tokens: TaskTokenEvent[] = [];
  #unlink: (() => void) | undefined;
  #claimed = false;
  #done = false;
  #metrics: SseMetrics | undefined;
  #taskId: string | undefined;
  #correlationId: string | undefined;

  constructor(stream: ReadableStream<Uint8Array>, options: CompletionFromReadableStreamOptions) {
    super();
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

  /**
   * The joined result, once the end line arrived. Lazy: when nothing consumes the stream yet,
   * this consumes it. Rejects with the stream's error, or `AbortError` when it was stopped.
   */
  finalResult(): Promise<RelayedCompletionResult> {
    if (!this.#claimed) drainInBackground(this.claimChunks());
    return this.#result.promise;
  }

  /**
   * Stop reading: the bytes are cancelled (which closes the connection, so a server relaying
   * a `CompletionStream` cancels the task), and a pending or later read throws `AbortError`.
   */
  abort(reason?: unknown): void {
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(reason ?? new AbortError('The relayed completion was stopped'));
    }
    this.#settle(false, abortError(this.#controller.signal.reason));
    if (!this.#claimed) void this.#lines.return?.();
  }

  protected override settledResult(): Promise<RelayedCompletionResult> {
    return this.#result.promise;
  }

  protected override claimChunks(): AsyncIterator<CompletionChunk> {
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
        this.#settle(false, new AbortError('The relayed completion was closed before it finished'));
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
      this.#settle(true, {
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
      });
      return DONE;
    } catch (error) {
      this.#done = true;
      await this.#lines.return?.();
      this.#settle(false, error);
      throw error;
    }
  }

  /** Settle the result once, letting go of the caller's signal. */
  #settle(ok: boolean, value: unknown): void {
    const settled = ok
      ? this.#result.resolve(value as RelayedCompletionResult)
      : this.#result.reject(value);
    if (settled) this.#unlink?.();
  }
}
