// docs/protocols/agent-sdk.md §1.8 (delivery): the one pass over a run's events, as the
// iterator a RunStream hands to whatever consumes it.
import { AbortError } from '@uplink/core-schemas';
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { abortError } from './resume-driver.js';

/** What the pass needs from the {@link RunStream} it belongs to. */
export interface RunPassHost {
  /** The stream's signal: aborting it ends the pass. */
  readonly signal: AbortSignal;
  /** Open the events, on the first read. */
  open(signal: AbortSignal): AsyncIterator<StreamEnvelope, unknown>;
  /** Record an event for the result (the terminal one settles it). */
  observe(envelope: StreamEnvelope): void;
  /** Whether the terminal event arrived. */
  ended(): boolean;
  /** The error of events that ended before the terminal one. */
  truncated(): unknown;
  /** Settle the result with a failure (no-op once settled). */
  fail(error: unknown): void;
  /** The stream's `abort()`. */
  abort(reason: unknown): Promise<void>;
}

/** The pass, and what `abort()` calls when nobody waits on a step. */
export interface RunPass {
  iterator: AsyncIterator<StreamEnvelope>;
  /** Close the pass now when no step is running (a running step closes it itself). */
  stop(): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The one pass over the events, as a hand-written iterator rather than an async generator:
 * `return()` while a step waits on a silent server must abort that step (a generator would
 * queue the return behind it, forever).
 */
export function runPass(host: RunPassHost): RunPass {
  const { signal } = host;
  let source: AsyncIterator<StreamEnvelope, unknown> | undefined;
  let busy: Promise<IteratorResult<StreamEnvelope>> | undefined;
  let finished = false;
  /** Set by `return()`: later `next()` calls end quietly instead of reporting the abort. */
  let returned = false;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    finished = true;
    closing ??= (async () => {
      try {
        await source?.return?.();
      } catch {
        // Cleanup failures must not hide the outcome.
      }
    })();
    return closing;
  };
  const step = async (): Promise<IteratorResult<StreamEnvelope>> => {
    try {
      if (signal.aborted) throw abortError(signal.reason);
      source ??= host.open(signal);
      const next = await source.next();
      if (next.done) {
        await close();
        if (!host.ended()) host.fail(host.truncated());
        return DONE;
      }
      host.observe(next.value);
      return { done: false, value: next.value };
    } catch (error) {
      const failure = signal.aborted ? abortError(signal.reason, error) : error;
      await close();
      host.fail(failure);
      throw failure;
    }
  };
  const iterator: AsyncIterator<StreamEnvelope> = {
    next: () => {
      if (finished) {
        return !returned && signal.aborted && !host.ended()
          ? Promise.reject(abortError(signal.reason))
          : Promise.resolve(DONE);
      }
      if (busy) return busy.then(iterator.next, iterator.next);
      const run = step();
      busy = run;
      const clear = (): void => {
        if (busy === run) busy = undefined;
      };
      run.then(clear, clear);
      return run;
    },
    return: async () => {
      returned = true;
      if (!finished) {
        if (!host.ended()) {
          await host.abort(new AbortError('The run stream was closed before the run ended'));
        }
        await busy?.catch(() => {});
        await close();
        host.fail(abortError(signal.reason));
      }
      return DONE;
    },
    throw: async (error?: unknown) => {
      await iterator.return?.();
      throw error;
    },
  };
  // abort() while nobody waits on a step: release the connection and timers now.
  const stop = (): void => {
    if (busy || finished) return;
    void close();
    host.fail(abortError(signal.reason));
  };
  return { iterator, stop };
}
