// docs/protocols/agent-sdk.md §1.7-§1.9: deliver every event of a run exactly once, in order,
// up to its terminal lifecycle event, whatever the connection does.
import {
  AbortError,
  ApiError,
  ConnectionError,
  InternalServerError,
  isUplinkError,
  RateLimitError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import {
  isStreamFailureEnvelope,
  isTerminalEnvelope,
  type StreamEnvelope,
} from '@uplink/core-schemas/agent-sdk';
import { computeBackoff, type Logger, sleep } from '@uplink/http';
import { type FetchReplayPage, replayPages } from './replay-pager.js';
import { RunStreamError, type RunStreamErrorCode } from './run-stream-error.js';
import type { SeqTracker } from './seq-tracker.js';
import { StallProbe } from './stall-probe.js';

/** A source of envelopes: one HTTP event stream. `return()` closes it. */
export type EnvelopeSource = AsyncIterator<StreamEnvelope, unknown>;

/** Bounds of the resume loop. */
export interface ResumeLimits {
  /** Resume attempts in a row without a new event before the stream fails `truncated`. */
  maxResumeAttempts: number;
  /** `limit` of each replay page. */
  replayPageSize: number;
  /** Replay pages per pass. */
  maxReplayPages: number;
  /** Backoff ceiling before the second resume attempt (full jitter, doubling, 5 s cap). */
  resumeDelayMs: number;
}

/** Everything {@link driveRun} needs. */
export interface ResumeDriverInit {
  /** Open the first connection (`POST /run/stream`, or `GET /run/{id}/events`). */
  open: (signal: AbortSignal) => EnvelopeSource;
  /** Reopen `GET /run/{id}/events`. */
  reopen: (runId: string, signal: AbortSignal) => EnvelopeSource;
  /** Fetch one replay page of `runId`. */
  replayPage: (runId: string, ...page: Parameters<FetchReplayPage>) => ReturnType<FetchReplayPage>;
  /** Whether the run has a final status; with `probe`, checked while a stream is silent. */
  isFinished?: ((runId: string, signal: AbortSignal) => Promise<boolean>) | undefined;
  /** Stall-probe timing; `undefined` turns probing off. */
  probe?: { firstMs: number; maxMs: number } | undefined;
  /** The delivery state (`lastSeq`). */
  tracker: SeqTracker;
  /** The run, when known before the first event. */
  runId?: string | undefined;
  limits: ResumeLimits;
  /** Stops everything (the stream's own signal). */
  signal: AbortSignal;
  /** Called with every event before it is delivered. */
  onEvent?: ((envelope: StreamEnvelope) => void) | undefined;
  /** The request id of the call that opened the stream, for errors. */
  requestId?: string | undefined;
  logger?: Logger | undefined;
  /** Scrubs credentials from text the server sent before it goes into an error message. */
  redact?: ((text: string) => string) | undefined;
}

/** The abort reason used when the stall probe ends a silent connection. */
const STALLED = Symbol('uplink.runStreamStalled');

/**
 * Errors after which resuming can help: a dropped or silent connection, a body that ended, a
 * transient server answer that the transport already retried.
 */
export function isResumable(error: unknown): boolean {
  if (error instanceof RunStreamError) return false;
  if (error instanceof TimeoutError || error instanceof ConnectionError) return true;
  if (error instanceof StreamError) return error.code === 'truncated';
  return error instanceof InternalServerError || error instanceof RateLimitError;
}

/**
 * Every event of one run, exactly once and in `seq` order, ending with its terminal lifecycle
 * event (§1.8). Duplicates are dropped; a `seq` gap is filled from the replay before the event
 * that revealed it; a connection that ends, drops or stays silent without a terminal event is
 * resumed through the replay and a reopened `GET /run/{id}/events`. Fails with
 * {@link RunStreamError}: `truncated` when resuming is impossible or exhausted, `gap` when the
 * replay lacks events too, `server_error` for the server's stream-failure event, `malformed` and
 * `oversized` for bad data; `ApiError` when the server refuses (a 404 for an unknown run);
 * `AbortError` when `signal` aborts.
 */
export async function* driveRun(init: ResumeDriverInit): AsyncGenerator<StreamEnvelope, void> {
  const { tracker, limits, signal } = init;
  let runId = init.runId;
  let attempts = 0;
  let resuming = false;

  const fail = (code: RunStreamErrorCode, message: string, cause?: unknown): RunStreamError =>
    new RunStreamError(message, {
      code,
      lastSeq: tracker.lastSeq,
      runId,
      requestId: init.requestId,
      cause,
      retriable: code === 'truncated',
    });
  const describe = (from: number, to: number): string =>
    from === to ? `event ${from}` : `events ${from} to ${to}`;

  /** Deliver the replay from `lastSeq + 1`; returns true once the terminal event was delivered. */
  async function* fill(id: string): AsyncGenerator<StreamEnvelope, boolean> {
    const pages = replayPages(
      (from, limit, pageSignal) => init.replayPage(id, from, limit, pageSignal),
      () => tracker.nextSeq,
      { pageSize: limits.replayPageSize, maxPages: limits.maxReplayPages },
      signal,
    );
    for (;;) {
      const page = await pages.next();
      if (page.done) {
        if (page.value === 'max-pages') {
          throw fail(
            'truncated',
            `The replay of run ${id} did not end within ${limits.maxReplayPages} pages`,
          );
        }
        return false;
      }
      for (const envelope of page.value) {
        // The stream-failure event is never stored; should one appear, it says nothing about the run.
        if (isStreamFailureEnvelope(envelope)) continue;
        const verdict = tracker.accept(envelope);
        if (verdict.kind === 'duplicate') continue;
        if (verdict.kind === 'gap') {
          throw fail(
            'gap',
            `Run ${id} lost ${describe(verdict.from, verdict.to)}: the replay does not have ${verdict.from === verdict.to ? 'it' : 'them'} either (retention may have removed ${verdict.from === verdict.to ? 'it' : 'them'})`,
          );
        }
        init.onEvent?.(envelope);
        yield envelope;
        if (isTerminalEnvelope(envelope)) {
          // Stryker disable next-line StringLiteral: the value a finished pager returns is never read
          await pages.return('short-page');
          return true;
        }
      }
    }
  }

  for (;;) {
    const lastSeqBefore = tracker.lastSeq;
    const connection = new AbortController();
    const onAbort = (): void => connection.abort(signal.reason);
    if (signal.aborted) throw abortError(signal.reason);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the listener is removed when the attempt ends, whether or not it fired
    signal.addEventListener('abort', onAbort, { once: true });
    let source: EnvelopeSource | undefined;
    let probe: StallProbe | undefined;
    let endReason: unknown;
    try {
      if (resuming) {
        // Resuming starts only once the run id is known (the check after this attempt).
        const id = runId as string;
        if (yield* fill(id)) return;
        source = init.reopen(id, connection.signal);
      } else {
        source = init.open(connection.signal);
      }
      for (;;) {
        if (!probe && runId !== undefined && init.isFinished && init.probe) {
          const id = runId;
          const isFinished = init.isFinished;
          probe = new StallProbe({
            ...init.probe,
            isFinished: (probeSignal) => isFinished(id, probeSignal),
            onStalled: () => connection.abort(STALLED),
          });
        }
        probe?.arm();
        let next: IteratorResult<StreamEnvelope, unknown>;
        try {
          next = await source.next();
        } finally {
          probe?.disarm();
        }
        if (next.done) break;
        const envelope = next.value;
        if (isStreamFailureEnvelope(envelope)) {
          const text = envelope.payload.error;
          const shown =
            typeof text === 'string' ? `: ${init.redact ? init.redact(text) : text}` : '';
          throw fail(
            'server_error',
            `The server's event stream failed${shown} (it sent its stream-failure event)`,
          );
        }
        runId ??= envelope.run_id;
        let verdict = tracker.accept(envelope);
        if (verdict.kind === 'duplicate') continue;
        if (verdict.kind === 'gap') {
          init.logger?.debug('run stream gap', { runId, from: verdict.from, to: verdict.to });
          if (yield* fill(runId)) return;
          verdict = tracker.accept(envelope);
          if (verdict.kind === 'duplicate') continue;
          if (verdict.kind === 'gap') {
            throw fail(
              'gap',
              `Run ${runId} lost ${describe(verdict.from, verdict.to)}: the replay does not have ${verdict.from === verdict.to ? 'it' : 'them'} either`,
            );
          }
        }
        init.onEvent?.(envelope);
        yield envelope;
        if (isTerminalEnvelope(envelope)) return;
      }
      endReason = undefined;
    } catch (error) {
      if (signal.aborted) throw abortError(signal.reason, error);
      if (connection.signal.reason === STALLED) endReason = STALLED;
      else if (isResumable(error)) endReason = error;
      else throw fatal(error);
    } finally {
      probe?.disarm();
      signal.removeEventListener('abort', onAbort);
      connection.abort();
      await closeQuietly(source);
    }
    if (runId === undefined) {
      throw fail(
        'truncated',
        'The event stream ended before its first event, so the run id is unknown and the stream cannot be resumed; POST /run/stream is not retried, because that would start another run',
        // Never STALLED: the stall probe starts only once the run id is known.
        endReason,
      );
    }
    // Attempts count in a row: one that delivered new events starts the count again.
    attempts = tracker.lastSeq > lastSeqBefore ? 1 : attempts + 1;
    if (attempts > limits.maxResumeAttempts) {
      throw fail(
        'truncated',
        `The event stream of run ${runId} could not be resumed after ${limits.maxResumeAttempts} attempt(s) without a new event; last seq delivered: ${tracker.lastSeq}`,
        endReason === STALLED ? undefined : endReason,
      );
    }
    init.logger?.debug('run stream resume', {
      runId,
      lastSeq: tracker.lastSeq,
      attempt: attempts,
      reason:
        endReason === STALLED
          ? 'silent after the run finished'
          : endReason === undefined
            ? 'ended without a terminal event'
            : endReason instanceof Error
              ? endReason.message
              : String(endReason),
    });
    if (attempts > 1 && endReason !== STALLED) {
      await sleep(
        computeBackoff(attempts - 2, { baseDelayMs: limits.resumeDelayMs, maxDelayMs: 5000 }),
        signal,
      ).catch((error: unknown) => {
        throw abortError(signal.reason, error);
      });
    }
    resuming = true;
  }

  /** A failure resuming cannot help: wrap stream-level ones so they carry `lastSeq`. */
  function fatal(error: unknown): unknown {
    if (error instanceof RunStreamError || error instanceof ApiError) return error;
    if (
      error instanceof StreamError &&
      (error.code === 'malformed' || error.code === 'oversized')
    ) {
      return fail(error.code === 'malformed' ? 'malformed' : 'oversized', error.message, error);
    }
    if (error instanceof ResponseValidationError) return fail('malformed', error.message, error);
    return error;
  }
}

/** Close a source without letting its cleanup failure hide the real outcome. */
async function closeQuietly(source: EnvelopeSource | undefined): Promise<void> {
  try {
    // Stryker disable next-line OptionalChaining: a source without return() fails inside this try either way
    await source?.return?.();
  } catch {
    // The connection is gone either way.
  }
}

/** The caller's abort as our `AbortError`. */
export function abortError(reason: unknown, cause?: unknown): AbortError {
  if (reason instanceof AbortError) return reason;
  if (isUplinkError(cause) && cause instanceof AbortError) return cause;
  return new AbortError('The run stream was aborted', { cause: reason });
}
