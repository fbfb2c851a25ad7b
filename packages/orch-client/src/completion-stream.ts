// docs/protocols/llama-orch.md §14 (completion = enqueue, stream, join) and §7 (explicit cancel).
import { AbortError, ApiError, TimeoutError, UplinkError } from '@uplink/core-schemas';
import type { SseMetrics } from '@uplink/core-schemas/llama-orch';
import { iteratorToStream, toNdjsonStream } from '@uplink/http';
import {
  completionEndLine,
  completionTextStream,
  ndjsonResponse,
  textStreamResponse,
  textsOf,
} from './completion-bytes.js';
import {
  abortError,
  buildResult,
  type CompletionChunk,
  type CompletionResult,
  streamErrorFrom,
} from './completion-result.js';
import type { EnqueueResult } from './enqueue-result.js';
import type { TaskEndEvent, TaskEvent, TaskTokenEvent } from './task-events.js';
import type { TaskStream } from './task-stream.js';
import { TokenOrderer } from './token-orderer.js';

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
export class CompletionStream implements AsyncIterable<CompletionChunk> {
  /** The task id (known before the enqueue: the client generates it). */
  readonly taskId: string;
  /** The correlation id sent on every request of this completion. */
  readonly correlationId: string;

  readonly #init: CompletionStreamInit;
  readonly #controller = new AbortController();
  readonly #result: Promise<CompletionResult>;
  #resolve!: (result: CompletionResult) => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  #iterator: AsyncIterator<CompletionChunk> | undefined;
  #enqueueStarted = false;
  #admissionFailed = false;
  #terminal = false;
  #cancel: Promise<void> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  readonly #unlink: (() => void)[] = [];
  #keepText: boolean;

  constructor(init: CompletionStreamInit) {
    this.#init = init;
    this.taskId = init.taskId;
    this.correlationId = init.correlationId;
    this.#keepText = init.keepText === true;
    this.#result = new Promise<CompletionResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The result is lazy and optional: an unobserved failure must not be an unhandled rejection.
    this.#result.catch(() => {});
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

  /** Iterate the chunks. Only one consumer may iterate (chunks, `textStream` or a readable stream). */
  [Symbol.asyncIterator](): AsyncIterator<CompletionChunk> {
    return this.#claim();
  }

  /** The token texts, in order, as they arrive. Claims the stream like iterating it does. */
  get textStream(): AsyncIterable<string> {
    return textsOf(this.#claim());
  }

  /**
   * The completion as bytes for a web `Response`, for a browser to read with
   * `completionStreamFromReadableStream`: NDJSON, one chunk per line as iterating gives
   * it, then one `{"type":"end", ...}` line ({@link CompletionEndLine}); when the completion
   * fails, a last `{"uplink_error": {...}}` line instead. Cancelling it aborts the completion
   * (and cancels the task). Claims the stream.
   *
   * ```ts
   * return new Response(stream.toReadableStream(), { headers: { 'content-type': 'application/x-ndjson' } });
   * ```
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    return toNdjsonStream(this.#claim(), {
      end: async () => completionEndLine(await this.#result),
    });
  }

  /** The chunks as a `ReadableStream` of objects; cancelling it aborts the completion. Claims the stream. */
  toObjectStream(): ReadableStream<CompletionChunk> {
    return iteratorToStream(this.#claim());
  }

  /**
   * The token texts as UTF-8 bytes (plain text, no framing). A failure errors the stream, so a
   * `Response` built on it ends with a network error rather than a clean end. Claims the stream.
   */
  toTextStream(): ReadableStream<Uint8Array> {
    return completionTextStream(this.#claim());
  }

  /** A `Response` of {@link toTextStream}, `text/plain; charset=utf-8`, for `fetch`-style handlers. */
  toTextStreamResponse(init?: ResponseInit): Response {
    return textStreamResponse(this.toTextStream(), init);
  }

  /** A `Response` of {@link toReadableStream}, `application/x-ndjson`, for `fetch`-style handlers. */
  toResponse(init?: ResponseInit): Response {
    return ndjsonResponse(this.toReadableStream(), init);
  }

  /**
   * The joined result. Lazy: when nothing consumes the stream yet, this consumes it. Rejects
   * with the stream's error, or `AbortError` when the completion was aborted or left early.
   */
  finalResult(): Promise<CompletionResult> {
    if (!this.#iterator) {
      // Nothing else reads the chunks: the text is what the caller is asking for.
      this.#keepText = true;
      const iterator = this.#claim();
      void (async () => {
        try {
          while (!(await iterator.next()).done) {
            // Draining: the run records everything the result needs.
          }
        } catch {
          // The run already rejected the result with this error.
        }
      })();
    }
    return this.#result;
  }

  /**
   * Abort: close the HTTP stream and cancel the task on the server. Resolves once the cancel
   * request finished (it never rejects). Idempotent.
   */
  abort(reason?: unknown): Promise<void> {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
    if (!this.#iterator) {
      // Never consumed: nothing was sent, so there is nothing to cancel; let go of the signals.
      for (const unlink of this.#unlink.splice(0)) unlink();
      this.#settle(() => this.#reject(abortError(this.#controller.signal.reason)));
    }
    return this.#cancelIfNeeded();
  }

  #claim(): AsyncIterator<CompletionChunk> {
    if (this.#iterator) {
      throw new UplinkError(
        'This CompletionStream is already being consumed; iterate it, its textStream or its readable stream once',
      );
    }
    this.#iterator = this.#run();
    return this.#iterator;
  }

  #cancelIfNeeded(): Promise<void> {
    if (!this.#enqueueStarted || this.#admissionFailed || this.#terminal) return Promise.resolve();
    this.#cancel ??= this.#init.cancel();
    return this.#cancel;
  }

  /**
   * The one run of this completion, as a hand-written iterator rather than an async generator,
   * for two behaviours a generator cannot give: `return()` while a step waits on a silent
   * server aborts that step (a generator queues the return behind it, forever), and `return()`
   * before the first `next()` still settles the result (a generator skips its `finally`).
   * Phases: `idle` (nothing sent), `open` (enqueued, streaming), `drained` (the stream ended;
   * `pending` holds the last tokens), `done` (settled).
   */
  #run(): AsyncIterator<CompletionChunk> {
    const signal = this.#controller.signal;
    const orderer = new TokenOrderer();
    // Only what the result needs: the count, and the tokens themselves only when kept.
    const tokens: TaskTokenEvent[] | undefined = this.#keepText ? [] : undefined;
    let tokensOut = 0;
    const pending: CompletionChunk[] = [];
    let metrics: SseMetrics | undefined;
    let end: TaskEndEvent | undefined;
    let enqueue: EnqueueResult | undefined;
    let events: AsyncIterator<TaskEvent> | undefined;
    let phase: 'idle' | 'open' | 'drained' | 'done' = 'idle';
    let busy: Promise<unknown> | undefined;
    /** An abort that finished the run while no step was waiting: the next read throws it. */
    let undelivered: unknown;
    let finishing: Promise<void> | undefined;
    const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

    // Left early (break, abort, a failure): the server keeps generating unless told. The
    // cancel completes before the result settles, so a caller sees a finished cleanup.
    const finish = async (failure: unknown): Promise<void> => {
      phase = 'done';
      pending.length = 0;
      for (const unlink of this.#unlink.splice(0)) unlink();
      await events?.return?.()?.catch(() => {});
      if (!this.#terminal) {
        if (!signal.aborted) this.#controller.abort();
        await this.#cancelIfNeeded();
      }
      const error = failure ?? new AbortError('The completion was closed before it finished');
      this.#settle(() => this.#reject(error));
    };
    const deliver = (): IteratorResult<CompletionChunk> => {
      const value = pending.shift();
      if (value) return { done: false, value };
      if (phase === 'drained') {
        phase = 'done';
        for (const unlink of this.#unlink.splice(0)) unlink();
        this.#settle(() =>
          this.#resolve(buildResult(this, tokens, tokensOut, metrics, end, enqueue!)),
        );
      }
      return DONE;
    };
    const accept = (event: TaskEvent): void => {
      if (event.type === 'started') {
        pending.push({ ...event, taskId: this.taskId, correlationId: this.correlationId });
      } else if (event.type === 'token') {
        for (const token of orderer.push(event)) {
          tokensOut++;
          tokens?.push(token);
          pending.push(token);
        }
      } else if (event.type === 'metrics') {
        metrics = event.metrics;
        pending.push(event);
      } else if (event.type === 'end') {
        this.#terminal = true;
        end = event;
      } else {
        this.#terminal = true;
        throw streamErrorFrom(event, this.taskId, this.correlationId, this.#init.secrets?.());
      }
    };
    const step = async (): Promise<IteratorResult<CompletionChunk>> => {
      try {
        if (phase === 'idle') {
          phase = 'open';
          if (signal.aborted) throw abortError(signal.reason);
          this.#startDeadline();
          this.#enqueueStarted = true;
          try {
            enqueue = await this.#init.enqueue(signal);
          } catch (error) {
            // Only an HTTP error status proves the task was not admitted. After a timeout, a
            // lost connection or an unreadable 202 it may have been, so it is canceled too.
            this.#admissionFailed = !signal.aborted && error instanceof ApiError;
            throw error;
          }
          events = this.#init.openStream(signal)[Symbol.asyncIterator]();
        }
        while (pending.length === 0 && phase === 'open') {
          const next = await events!.next();
          if (next.done) {
            for (const token of orderer.flush()) {
              tokensOut++;
              tokens?.push(token);
              pending.push(token);
            }
            phase = 'drained';
          } else {
            accept(next.value);
          }
        }
      } catch (error) {
        const failure = signal.aborted ? this.#abortFailure(signal.reason, error) : error;
        await finish(failure);
        throw failure;
      }
      return deliver();
    };
    // An abort while nothing reads (a readable released, a consumer busy elsewhere) releases
    // everything now: the HTTP stream, the signals, the deadline, the task (cancelled). A step
    // in flight fails on its own and finishes the run itself.
    signal.addEventListener(
      'abort',
      () => {
        if (busy || phase === 'done') return;
        undelivered = this.#abortFailure(signal.reason, undefined);
        finishing = finish(undelivered);
      },
      { once: true },
    );
    const iterator: AsyncIterator<CompletionChunk> = {
      next: () => {
        // After abort() nothing more is delivered, even chunks that already arrived (a server
        // that sends the whole stream at once leaves them all buffered here).
        if (signal.aborted && phase !== 'done' && !busy) {
          const failure = this.#abortFailure(signal.reason, undefined);
          return finish(failure).then(() => Promise.reject(failure));
        }
        if (pending.length > 0 || phase === 'drained') return Promise.resolve(deliver());
        if (phase === 'done') {
          if (undelivered === undefined) return Promise.resolve(DONE);
          const failure = undelivered;
          undelivered = undefined;
          // Like a failed step, throw once the cleanup (the cancel request included) is done.
          return (finishing ?? Promise.resolve()).then(() => Promise.reject(failure));
        }
        // One step at a time; a caller that does not wait for a chunk waits behind it here.
        if (busy) return busy.then(iterator.next, iterator.next);
        const run = step();
        busy = run;
        const clear = () => {
          if (busy === run) busy = undefined;
        };
        run.then(clear, clear);
        return run;
      },
      return: async () => {
        // A step waiting on the network would never finish on a silent server: abort it.
        if (busy) {
          if (!signal.aborted) this.#controller.abort();
          await busy.catch(() => {});
        }
        if (phase !== 'done') await finish(undefined);
        return DONE;
      },
      throw: async (error?: unknown) => {
        await iterator.return!();
        throw error;
      },
    };
    return iterator;
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

  #settle(action: () => void): void {
    clearTimeout(this.#deadline);
    if (this.#settled) return;
    this.#settled = true;
    action();
    this.#init.onSettled?.();
  }
}
