// llama-orch protocol reference §14 (completion = enqueue, stream, join) and §7 (explicit cancel).
import {
  AbortError,
  ApiError,
  redactText,
  redactValue,
  StreamError,
  UplinkError,
} from '@uplink/core-schemas';
import type { SseMetrics } from '@uplink/core-schemas/llama-orch';
import { iteratorToStream } from '@uplink/http';
import type { EnqueueResult } from './enqueue-result.js';
import type {
  TaskEndEvent,
  TaskErrorEvent,
  TaskMetricsEvent,
  TaskStartedEvent,
  TaskTokenEvent,
} from './task-events.js';
import type { TaskStream } from './task-stream.js';
import { TokenOrderer } from './token-orderer.js';

/** `started`, with the ids of the task it belongs to. */
export interface CompletionStartedChunk extends TaskStartedEvent {
  /** The task id (generated when the request had none). */
  taskId: string;
  /** The correlation id used for the enqueue, the stream and any cancel. */
  correlationId: string;
}

/** One chunk of a {@link CompletionStream}: `started`, then tokens in `i` order with `metrics` between. */
export type CompletionChunk = CompletionStartedChunk | TaskTokenEvent | TaskMetricsEvent;

/** The joined result of a completion. */
export interface CompletionResult {
  /** All token texts joined in `i` order. */
  text: string;
  /** The token texts in `i` order, duplicates dropped. */
  tokens: string[];
  /** Tokens counted by the client (trust this, not the server's `tokens_out`). */
  tokensOut: number;
  /** `tokens_out` as the server reported it, when it did. */
  reportedTokensOut: number | undefined;
  /** Decode time from `end` (`decode_ms` or `decode_time_ms`), when sent. */
  decodeMs: number | undefined;
  /** The last `metrics` frame, when any arrived. */
  metrics: SseMetrics | undefined;
  /** The correlation id of the enqueue, the stream and any cancel. */
  correlationId: string;
  /** The task id. */
  taskId: string;
  /** The session id. */
  sessionId: string;
  /** True when the server ended the stream with `end {"canceled": true}`. */
  canceled: boolean;
  /** The admission (enqueue) result, with its budget headers. */
  enqueue: EnqueueResult;
}

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
}

/**
 * A streaming completion. Consume it once: iterate the chunks, or `textStream`, or
 * `toReadableStream()`; `finalResult()` works alongside any of them, or alone. Breaking out
 * of the loop, `abort()` or the caller's signal closes the HTTP stream and sends
 * `POST …/cancel`, because closing the connection does not cancel a llama-orch task.
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
  #iterator: AsyncGenerator<CompletionChunk, void, undefined> | undefined;
  #enqueueStarted = false;
  #admissionFailed = false;
  #terminal = false;
  #cancel: Promise<void> | undefined;
  readonly #unlink: (() => void)[] = [];

  constructor(init: CompletionStreamInit) {
    this.#init = init;
    this.taskId = init.taskId;
    this.correlationId = init.correlationId;
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
    const iterator = this.#claim();
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            if (next.value.type === 'token') yield next.value.text;
          }
        } finally {
          await iterator.return();
        }
      },
    };
  }

  /** The chunks as a web `ReadableStream`; cancelling the readable aborts the completion. */
  toReadableStream(): ReadableStream<CompletionChunk> {
    return iteratorToStream(this.#claim());
  }

  /**
   * The joined result. Lazy: when nothing consumes the stream yet, this consumes it. Rejects
   * with the stream's error, or `AbortError` when the completion was aborted or left early.
   */
  finalResult(): Promise<CompletionResult> {
    if (!this.#iterator) {
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
    return this.#cancelIfNeeded();
  }

  #claim(): AsyncGenerator<CompletionChunk, void, undefined> {
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

  async *#run(): AsyncGenerator<CompletionChunk, void, undefined> {
    const signal = this.#controller.signal;
    const orderer = new TokenOrderer();
    const tokens: TaskTokenEvent[] = [];
    let metrics: SseMetrics | undefined;
    let end: TaskEndEvent | undefined;
    let enqueue: EnqueueResult | undefined;
    let failure: unknown;
    try {
      if (signal.aborted) throw abortError(signal.reason);
      this.#enqueueStarted = true;
      try {
        enqueue = await this.#init.enqueue(signal);
      } catch (error) {
        // Only an HTTP error status proves the task was not admitted. After a timeout, a lost
        // connection or an unreadable 202 it may have been, so it is canceled like any other.
        this.#admissionFailed = !signal.aborted && error instanceof ApiError;
        throw error;
      }
      const stream = this.#init.openStream(signal);
      for await (const event of stream) {
        if (event.type === 'started') {
          yield { ...event, taskId: this.taskId, correlationId: this.correlationId };
        } else if (event.type === 'token') {
          for (const token of orderer.push(event)) {
            tokens.push(token);
            yield token;
          }
        } else if (event.type === 'metrics') {
          metrics = event.metrics;
          yield event;
        } else if (event.type === 'end') {
          this.#terminal = true;
          end = event;
        } else {
          this.#terminal = true;
          throw streamErrorFrom(event, this.taskId, this.correlationId, this.#init.secrets?.());
        }
      }
      for (const token of orderer.flush()) {
        tokens.push(token);
        yield token;
      }
      this.#settle(() => this.#resolve(buildResult(this, tokens, metrics, end, enqueue!)));
    } catch (error) {
      failure = signal.aborted ? abortError(signal.reason, error) : error;
      throw failure;
    } finally {
      for (const unlink of this.#unlink.splice(0)) unlink();
      // Left early (break, abort, a stream failure): the server keeps generating unless told.
      // The cancel completes before the result settles, so a caller sees a finished cleanup.
      if (!this.#terminal) {
        if (!signal.aborted) this.#controller.abort();
        await this.#cancelIfNeeded();
      }
      const error = failure ?? new AbortError('The completion was closed before it finished');
      this.#settle(() => this.#reject(error));
    }
  }

  #settle(action: () => void): void {
    if (this.#settled) return;
    this.#settled = true;
    action();
    this.#init.onSettled?.();
  }
}

function buildResult(
  stream: CompletionStream,
  tokens: TaskTokenEvent[],
  metrics: SseMetrics | undefined,
  end: TaskEndEvent | undefined,
  enqueue: EnqueueResult,
): CompletionResult {
  // Chunks leave as soon as they can; a token that arrived after its gap was given up on
  // (see TokenOrderer) left late, so the joined result re-sorts to keep strict `i` order.
  const ordered = tokens.every((t, k) => k === 0 || tokens[k - 1]!.index < t.index)
    ? tokens
    : [...tokens].sort((a, b) => a.index - b.index);
  const texts = ordered.map((t) => t.text);
  return {
    text: texts.join(''),
    tokens: texts,
    tokensOut: texts.length,
    reportedTokensOut: end?.tokensOut,
    decodeMs: end?.decodeMs,
    metrics,
    correlationId: stream.correlationId,
    taskId: stream.taskId,
    sessionId: enqueue.sessionId,
    canceled: end?.canceled ?? false,
    enqueue,
  };
}

function streamErrorFrom(
  event: TaskErrorEvent,
  taskId: string,
  correlationId: string,
  secrets: Iterable<string> = [],
): StreamError {
  // The frame's text is the server's: it may echo a credential, which must not reach an error.
  const list = [...secrets];
  const message = redactText(
    `Task ${taskId} failed on the server: ${event.code}: ${event.message}`,
    list,
  );
  return new StreamError(message, {
    code: event.code,
    retriable: event.retriable,
    event: 'error',
    correlationId,
    data: redactValue(event.data, list),
  });
}

function abortError(reason: unknown, cause?: unknown): AbortError {
  const message =
    reason instanceof Error && reason.message ? reason.message : 'The completion was aborted';
  return new AbortError(message, { cause: cause ?? reason });
}
