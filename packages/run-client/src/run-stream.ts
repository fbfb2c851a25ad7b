// docs/protocols/agent-sdk.md §1.4 (no cancel endpoint), §1.7 (events) and §1.8 (delivery).
import { AbortError, UplinkError } from '@uplink/core-schemas';
import {
  assistantMessageText,
  isTerminalEnvelope,
  type StreamEnvelope,
} from '@uplink/core-schemas/agent-sdk';
import {
  drainInBackground,
  StreamResult,
  type ToReadableStreamOptions,
  toNdjsonStream,
} from '@uplink/http';
import { abortError } from './resume-driver.js';
import { DEFAULT_MAX_LINE_BYTES, RUN_ERROR_FIELDS, readRunEnvelopes } from './run-ndjson.js';
import { runPass } from './run-pass.js';
import {
  type RunMessage,
  type RunStreamResult,
  terminalStatus,
  toRunMessage,
} from './run-result.js';
import { RunStreamError } from './run-stream-error.js';

export type { RunMessage, RunStreamResult } from './run-result.js';

/**
 * Called when a stream is stopped before its run ended, for servers that can cancel a run.
 * agent-sdk has no cancel endpoint, so nothing calls one unless you pass this hook.
 */
export type RunCancelHook = (run: {
  runId: string;
  sessionId: string | undefined;
  reason: unknown;
}) => void | Promise<void>;

/** What a {@link RunStream} is built from. */
export interface RunStreamInit {
  /** The events, in order and without duplicates; stop when `signal` aborts. */
  events: (signal: AbortSignal) => AsyncIterator<StreamEnvelope, unknown>;
  /** Any of these aborting stops the stream (the caller's signal, the client's close). */
  signals?: (AbortSignal | undefined)[] | undefined;
  /** The run, when known before the first event. */
  runId?: string | undefined;
  /** The request id of the call that opened the stream. */
  requestId?: string | undefined;
  /** See {@link RunCancelHook}. */
  cancel?: RunCancelHook | undefined;
  /** Called once when the stream settles (ended, failed or stopped). */
  onSettled?: (() => void) | undefined;
}

/** Options of {@link RunStream.fromReadableStream}. */
export interface FromReadableStreamOptions {
  /** Stops reading. */
  signal?: AbortSignal | undefined;
  /** Longest NDJSON line, in bytes. @default 1048576 */
  maxLineBytes?: number | undefined;
}

/**
 * One run's events: an async iterable of typed envelopes, in `seq` order, without duplicates,
 * up to and including the terminal lifecycle event. Consume it once (iterate it, `textStream`
 * or `toReadableStream()`); `finalResult()` works alongside any of them, or alone.
 *
 * `runId` and `sessionId` are known once the first event arrived (no header carries them).
 * Stopping (`abort()`, breaking out of the loop, cancelling the readable, the signal) releases
 * the connection, timers and listeners; it does not cancel the run, because agent-sdk has no
 * cancel endpoint (pass a `cancel` hook for servers that do).
 */
export class RunStream implements AsyncIterable<StreamEnvelope>, AsyncDisposable {
  readonly #init: RunStreamInit;
  readonly #controller = new AbortController();
  readonly #result = new StreamResult<RunStreamResult>();
  readonly #unlink: (() => void)[] = [];
  readonly #messages: RunMessage[] = [];
  #claimed = false;
  #runId: string | undefined;
  #sessionId: string | undefined;
  #lastSeq = -1;
  #ended = false;
  #cancel: Promise<void> | undefined;
  /** Closes the claimed pass when no step is running (a running step closes it itself). */
  #stopPass: (() => void) | undefined;

  constructor(init: RunStreamInit) {
    this.#init = init;
    this.#runId = init.runId;
    for (const signal of init.signals ?? []) {
      if (!signal) continue;
      if (signal.aborted) {
        this.#controller.abort(signal.reason);
        break;
      }
      const onAbort = (): void => void this.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#unlink.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  /** The run, once the first event arrived (or when the stream was opened for a known run). */
  get runId(): string | undefined {
    return this.#runId;
  }

  /** The run's session, once the first event arrived. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The seq of the last event delivered (`-1` before any). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The `X-Request-Id` sent with the call that opened the stream. */
  get requestId(): string | undefined {
    return this.#init.requestId;
  }

  /** Iterate the envelopes. Claims the stream. */
  [Symbol.asyncIterator](): AsyncIterator<StreamEnvelope> {
    return this.#claim();
  }

  /** The text of each assistant message, as it arrives (whole messages). Claims the stream. */
  get textStream(): AsyncIterable<string> {
    const iterator = this.#claim();
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            const text = assistantMessageText(next.value);
            if (text !== undefined) yield text;
          }
        } finally {
          await iterator.return?.();
        }
      },
    };
  }

  /**
   * The run as bytes for `new Response(stream.toReadableStream())`: NDJSON, one envelope per
   * line, and when the stream fails one last `{"uplink_error": {name, message, code?, status?,
   * lastSeq?, runId?, requestId?, ...}}` line, whose message names no URL, host or address
   * unless `errors: 'full'` (for trusted readers). {@link RunStream.fromReadableStream} reads it
   * back (errors included). Cancelling the readable stops the stream. Claims the stream.
   */
  toReadableStream(options: ToReadableStreamOptions = {}): ReadableStream<Uint8Array> {
    return toNdjsonStream(this.#claim(), { errorFields: RUN_ERROR_FIELDS, errors: options.errors });
  }

  /**
   * The final result once the terminal event arrived. Lazy: when nothing consumes the stream
   * yet, this consumes it. Rejects with the stream's error, or `AbortError` when it was stopped.
   */
  finalResult(): Promise<RunStreamResult> {
    if (!this.#claimed) drainInBackground(this.#claim());
    return this.#result.promise;
  }

  /**
   * Stop listening: close the connection and release every timer and listener. The run goes
   * on: agent-sdk cannot cancel a run. When the run had not ended and a `cancel` hook was
   * given, the hook runs (its failure is ignored). Idempotent; `finalResult()` then rejects
   * with `AbortError`.
   */
  abort(reason?: unknown): Promise<void> {
    if (!this.#controller.signal.aborted) {
      this.#controller.abort(reason ?? new AbortError('The run stream was stopped'));
    }
    if (!this.#claimed) this.#fail(abortError(this.#controller.signal.reason));
    else this.#stopPass?.();
    return this.#cancelIfNeeded(this.#controller.signal.reason);
  }

  /** Same as {@link abort}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
  }

  /** A stream of the NDJSON bytes `toReadableStream()` produced, for example a `fetch` body. */
  static fromReadableStream(
    stream: ReadableStream<Uint8Array>,
    options: FromReadableStreamOptions = {},
  ): RunStream {
    const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    let lastSeq = -1;
    const run: RunStream = new RunStream({
      signals: [options.signal],
      events: async function* (signal) {
        const lines = readRunEnvelopes(stream, { maxLineBytes, signal }, () => lastSeq);
        for await (const envelope of lines) {
          if (envelope.seq !== undefined && envelope.seq <= lastSeq) continue;
          if (envelope.seq !== undefined) lastSeq = envelope.seq;
          yield envelope;
          if (isTerminalEnvelope(envelope)) return;
        }
        throw new RunStreamError('The run stream bytes ended before a terminal event', {
          code: 'truncated',
          lastSeq,
          runId: run.runId,
        });
      },
    });
    return run;
  }

  #observe(envelope: StreamEnvelope): void {
    this.#runId ??= envelope.run_id;
    if (envelope.session_id !== 'unknown') this.#sessionId ??= envelope.session_id;
    if (envelope.seq !== undefined) this.#lastSeq = envelope.seq;
    const message = toRunMessage(envelope);
    if (message) this.#messages.push(message);
    if (!isTerminalEnvelope(envelope)) return;
    this.#ended = true;
    const error = envelope.payload.error;
    this.#settle(() =>
      this.#result.resolve({
        runId: envelope.run_id,
        sessionId: this.#sessionId ?? envelope.session_id,
        status: terminalStatus(envelope),
        error: envelope.event === 'error' && typeof error === 'string' ? error : undefined,
        messages: [...this.#messages],
        lastSeq: this.#lastSeq,
        terminal: envelope,
        requestId: this.#init.requestId,
      }),
    );
  }

  #fail(error: unknown): void {
    this.#settle(() => this.#result.reject(error));
  }

  #settle(action: () => void): void {
    if (this.#result.settled) return;
    for (const unlink of this.#unlink.splice(0)) unlink();
    action();
    this.#init.onSettled?.();
  }

  #cancelIfNeeded(reason: unknown): Promise<void> {
    const hook = this.#init.cancel;
    if (!hook || this.#ended || this.#runId === undefined) return Promise.resolve();
    this.#cancel ??= Promise.resolve()
      .then(() => hook({ runId: this.#runId as string, sessionId: this.#sessionId, reason }))
      .catch(() => {});
    return this.#cancel;
  }

  /** The one pass over the events (see run-pass.ts); claimed once. */
  #claim(): AsyncIterator<StreamEnvelope> {
    if (this.#claimed) {
      throw new UplinkError(
        'This RunStream is already being consumed; iterate it, its textStream or its readable stream once',
      );
    }
    this.#claimed = true;
    const pass = runPass({
      signal: this.#controller.signal,
      open: (signal) => this.#init.events(signal),
      observe: (envelope) => this.#observe(envelope),
      ended: () => this.#ended,
      truncated: () =>
        new RunStreamError('The run stream ended before a terminal event', {
          code: 'truncated',
          lastSeq: this.#lastSeq,
          runId: this.#runId,
          requestId: this.#init.requestId,
        }),
      fail: (error) => this.#fail(error),
      abort: (reason) => this.abort(reason),
    });
    this.#stopPass = pass.stop;
    return pass.iterator;
  }
}
