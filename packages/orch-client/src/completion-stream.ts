// docs/protocols/llama-orch.md §14 (completion = enqueue, stream, join) and §7 (explicit cancel).
import { ApiError, TimeoutError, UplinkError } from '@uplink/core-schemas';
import { drainInBackground, StreamResult } from '@uplink/http';
import { CompletionChunks } from './completion-chunks.js';
import { abortError, type CompletionChunk, type CompletionResult } from './completion-result.js';
import { runCompletion } from './completion-run.js';
import type { EnqueueResult } from './enqueue-result.js';
import type { TaskStream } from './task-stream.js';

export type { CompletionEndLine } from './completion-bytes.js';
export type {
  CompletionChunk,
  CompletionResult,
  CompletionStartedChunk,
} from './completion-result.js';

/** What a {@link CompletionStream} needs from the client. */
export interface CompletionStreamInit {
  taskId: string;
  sessionId: string;
  correlationId: string;
  enqueue(signal: AbortSignal): Promise<EnqueueResult>;
  openStream(signal: AbortSignal): TaskStream;
  /** Send `POST …/cancel`; must never reject. */
  cancel(): Promise<void>;
  /** Any of these aborting aborts the completion (the caller's signal, the client's close). */
  signals: (AbortSignal | undefined)[];
  /** Called once when the result settles. */
  onSettled?: (() => void) | undefined;
  /** Credentials to scrub from a server's error frame before it becomes an error. */
  secrets?: (() => Iterable<string>) | undefined;
  /**
   * The request's `deadline_ms`, counted from the enqueue: past it the completion fails with
   * `TimeoutError` (`total`) and the task is cancelled, as on an abort.
   */
  deadlineMs?: number | undefined;
  /** Keep each token's text for the result (`finalResult()` alone turns it on too). */
  keepText?: boolean | undefined;
}

/**
 * A streaming completion. Consume it once: iterate the chunks, or `textStream`, or hand it on
 * with `toReadableStream()` (NDJSON bytes), `toTextStream()` (the text as bytes) or one of the
 * `Response` helpers; `finalResult()` works alongside any of them, or alone. Breaking out of
 * the loop, `abort()`, cancelling a readable or the caller's signal closes the HTTP stream and
 * sends `POST …/cancel`, because closing the connection does not cancel a llama-orch task.
 */
export class CompletionStream extends CompletionChunks {
  /** The task id (known before the enqueue: the client generates it). */
  readonly taskId: string;
  /** The correlation id sent on every request of this completion. */
  readonly correlationId: string;

  readonly #init: CompletionStreamInit;
  readonly #controller = new AbortController();
  readonly #result = new StreamResult<CompletionResult>();
  #iterator: AsyncIterator<CompletionChunk> | undefined;
  #enqueueStarted = false;
  #admissionFailed = false;
  #terminal = false;
  #cancel: Promise<void> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  readonly #unlink: (() => void)[] = [];
  #keepText: boolean;

  constructor(init: CompletionStreamInit) {
    super();
    this.#init = init;
    this.taskId = init.taskId;
    this.correlationId = init.correlationId;
    this.#keepText = init.keepText === true;
    for (const signal of init.signals) {
      if (!signal) continue;
      if (signal.aborted) {
        this.#controller.abort(signal.reason);
        break;
      }
      const onAbort = () => void this.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#unlink.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  /**
   * The joined result. Lazy: when nothing consumes the stream yet, this consumes it. Rejects
   * with the stream's error, or `AbortError` when the completion was aborted or left early.
   */
  finalResult(): Promise<CompletionResult> {
    if (!this.#iterator) {
      // Nothing else reads the chunks: the text is what the caller is asking for.
      this.#keepText = true;
      drainInBackground(this.claimChunks());
    }
    return this.#result.promise;
  }

  /**
   * Abort: close the HTTP stream and cancel the task on the server. Resolves once the cancel
   * request finished (it never rejects). Idempotent.
   */
  abort(reason?: unknown): Promise<void> {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
    if (!this.#iterator) {
      // Never consumed: nothing was sent, so there is nothing to cancel; let go of the signals.
      this.#release();
      this.#afterSettle(this.#result.reject(abortError(this.#controller.signal.reason)));
    }
    return this.#cancelIfNeeded();
  }

  protected override claimChunks(): AsyncIterator<CompletionChunk> {
    if (this.#iterator) {
      throw new UplinkError(
        'This CompletionStream is already being consumed; iterate it, its textStream or its readable stream once',
      );
    }
    this.#iterator = this.#run();
    return this.#iterator;
  }

  protected override settledResult(): Promise<CompletionResult> {
    return this.#result.promise;
  }

  #run(): AsyncIterator<CompletionChunk> {
    const controller = this.#controller;
    return runCompletion({
      taskId: this.taskId,
      correlationId: this.correlationId,
      signal: controller.signal,
      keepText: this.#keepText,
      abortSignal: () => {
        if (!controller.signal.aborted) controller.abort();
      },
      enqueue: async (signal) => {
        this.#startDeadline();
        this.#enqueueStarted = true;
        try {
          return await this.#init.enqueue(signal);
        } catch (error) {
          // Only an HTTP error status proves the task was not admitted. After a timeout, a
          // lost connection or an unreadable 202 it may have been, so it is canceled too.
          this.#admissionFailed = !signal.aborted && error instanceof ApiError;
          throw error;
        }
      },
      openStream: (signal) => this.#init.openStream(signal),
      secrets: () => this.#init.secrets?.(),
      markTerminal: () => {
        this.#terminal = true;
      },
      isTerminal: () => this.#terminal,
      cancelIfNeeded: () => this.#cancelIfNeeded(),
      release: () => this.#release(),
      result: {
        resolve: (value) => this.#afterSettle(this.#result.resolve(value)),
        reject: (error) => this.#afterSettle(this.#result.reject(error)),
      },
      abortFailure: (reason, cause) => this.#abortFailure(reason, cause),
    });
  }

  #release(): void {
    for (const unlink of this.#unlink.splice(0)) unlink();
  }

  #cancelIfNeeded(): Promise<void> {
    if (!this.#enqueueStarted || this.#admissionFailed || this.#terminal) return Promise.resolve();
    this.#cancel ??= this.#init.cancel();
    return this.#cancel;
  }

  /**
   * The server only rejects a `deadline_ms` of 0 or less (docs/protocols/llama-orch.md §5.4);
   * nothing stops a task that runs past it. The client does, the way an abort does (close the
   * stream, cancel the task, §7), with a `TimeoutError` that says so.
   */
  #startDeadline(): void {
    const ms = this.#init.deadlineMs;
    if (ms === undefined) return;
    this.#deadline = setTimeout(() => {
      void this.abort(
        new TimeoutError(
          `Task ${this.taskId} did not finish within its deadline_ms of ${ms} ms; it was cancelled on the server`,
          { timeout: 'total', timeoutMs: ms },
        ),
      );
    }, ms);
  }

  /** The error of an aborted run: the deadline's own `TimeoutError`, else an `AbortError`. */
  #abortFailure(reason: unknown, cause: unknown): unknown {
    return reason instanceof TimeoutError ? reason : abortError(reason, cause);
  }

  /** After a settle attempt: the deadline goes either way; `onSettled` once, on the settle. */
  #afterSettle(settled: boolean): boolean {
    clearTimeout(this.#deadline);
    if (settled) this.#init.onSettled?.();
    return settled;
  }
}
