// docs/protocols/llama-orch.md §14 (completion = enqueue, stream, join) and §7 (explicit cancel):
// the one run of a completion, as the iterator its stream hands to whatever consumes it.
import { AbortError } from '@uplink/core-schemas';
import type { SseMetrics } from '@uplink/core-schemas/llama-orch';
import type { StreamResult } from '@uplink/http';
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

/** What a run needs from the {@link CompletionStream} it belongs to. */
export interface CompletionRunHost {
  readonly taskId: string;
  readonly correlationId: string;
  /** The stream's signal: aborting it ends the run. */
  readonly signal: AbortSignal;
  /** Abort the stream's signal (no-op when aborted already). */
  abortSignal(): void;
  /** Keep each token's text for the result. */
  readonly keepText: boolean;
  /** Enqueue the task (and start its deadline); called once, on the first read. */
  enqueue(signal: AbortSignal): Promise<EnqueueResult>;
  /** Open the task's event stream after the enqueue. */
  openStream(signal: AbortSignal): TaskStream;
  /** Credentials to scrub from a server's error frame. */
  secrets(): Iterable<string> | undefined;
  /** The server sent `end` or `error`: nothing is left to cancel. */
  markTerminal(): void;
  /** Whether the server sent `end` or `error`. */
  isTerminal(): boolean;
  /** Send the cancel if the task may be running; never rejects. */
  cancelIfNeeded(): Promise<void>;
  /** Let go of the outside signals. */
  release(): void;
  /** Settles the stream's result (and whatever settling does). */
  readonly result: Pick<StreamResult<CompletionResult>, 'resolve' | 'reject'>;
  /** The error of an aborted run: the deadline's `TimeoutError`, else an `AbortError`. */
  abortFailure(reason: unknown, cause: unknown): unknown;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The one run of a completion, as a hand-written iterator rather than an async generator,
 * for two behaviours a generator cannot give: `return()` while a step waits on a silent
 * server aborts that step (a generator queues the return behind it, forever), and `return()`
 * before the first `next()` still settles the result (a generator skips its `finally`).
 * Phases: `idle` (nothing sent), `open` (enqueued, streaming), `drained` (the stream ended;
 * `pending` holds the last tokens), `done` (settled).
 */
export function runCompletion(host: CompletionRunHost): AsyncIterator<CompletionChunk> {
  const { signal } = host;
  const orderer = new TokenOrderer();
  // Only what the result needs: the count, and the tokens themselves only when kept.
  const tokens: TaskTokenEvent[] | undefined = host.keepText ? [] : undefined;
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

  // Left early (break, abort, a failure): the server keeps generating unless told. The
  // cancel completes before the result settles, so a caller sees a finished cleanup.
  const finish = async (failure: unknown): Promise<void> => {
    phase = 'done';
    pending.length = 0;
    host.release();
    await events?.return?.()?.catch(() => {});
    if (!host.isTerminal()) {
      host.abortSignal();
      await host.cancelIfNeeded();
    }
    host.result.reject(failure ?? new AbortError('The completion was closed before it finished'));
  };
  const deliver = (): IteratorResult<CompletionChunk> => {
    const value = pending.shift();
    if (value) return { done: false, value };
    if (phase === 'drained') {
      phase = 'done';
      host.release();
      host.result.resolve(buildResult(host, tokens, tokensOut, metrics, end, enqueue!));
    }
    return DONE;
  };
  const take = (token: TaskTokenEvent): void => {
    tokensOut++;
    tokens?.push(token);
    pending.push(token);
  };
  const accept = (event: TaskEvent): void => {
    if (event.type === 'started') {
      pending.push({ ...event, taskId: host.taskId, correlationId: host.correlationId });
    } else if (event.type === 'token') {
      for (const token of orderer.push(event)) take(token);
    } else if (event.type === 'metrics') {
      metrics = event.metrics;
      pending.push(event);
    } else if (event.type === 'end') {
      host.markTerminal();
      end = event;
    } else {
      host.markTerminal();
      throw streamErrorFrom(event, host.taskId, host.correlationId, host.secrets());
    }
  };
  const step = async (): Promise<IteratorResult<CompletionChunk>> => {
    try {
      if (phase === 'idle') {
        phase = 'open';
        if (signal.aborted) throw abortError(signal.reason);
        enqueue = await host.enqueue(signal);
        events = host.openStream(signal)[Symbol.asyncIterator]();
      }
      while (pending.length === 0 && phase === 'open') {
        const next = await events!.next();
        if (next.done) {
          for (const token of orderer.flush()) take(token);
          phase = 'drained';
        } else {
          accept(next.value);
        }
      }
    } catch (error) {
      const failure = signal.aborted ? host.abortFailure(signal.reason, error) : error;
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
      undelivered = host.abortFailure(signal.reason, undefined);
      finishing = finish(undelivered);
    },
    { once: true },
  );
  const iterator: AsyncIterator<CompletionChunk> = {
    next: () => {
      // After abort() nothing more is delivered, even chunks that already arrived (a server
      // that sends the whole stream at once leaves them all buffered here).
      if (signal.aborted && phase !== 'done' && !busy) {
        const failure = host.abortFailure(signal.reason, undefined);
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
        host.abortSignal();
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
