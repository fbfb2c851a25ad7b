// The byte form of a run stream (`RunStream.toReadableStream()`, docs/client.md "Streams as
// bytes"): @uplink/http's NDJSON, one StreamEnvelope per line, and when the stream fails one
// last `{"uplink_error": {...}}` line that also keeps the run's `lastSeq` and `runId`.
import {
  parseWire,
  ResponseValidationError,
  StreamError,
  type UplinkError,
} from '@uplink/core-schemas';
import { type StreamEnvelope, StreamEnvelopeSchema } from '@uplink/core-schemas/agent-sdk';
import { errorFromRecord, readNdjson } from '@uplink/http';
import { RunStreamError, type RunStreamErrorCode } from './run-stream-error.js';

/** The fields of a run's errors its error line keeps besides the common ones. */
export const RUN_ERROR_FIELDS: readonly string[] = ['lastSeq', 'runId'];

/** Longest NDJSON line accepted by `RunStream.fromReadableStream`, in bytes. @default 1 MiB */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const STREAM_CODES = new Set<string>([
  'truncated',
  'gap',
  'server_error',
  'malformed',
  'oversized',
]);

/**
 * Rebuild the error an error line describes: a run stream's failure as a `RunStreamError`
 * (its `lastSeq` and `runId` kept, `lastSeq` defaulting to the reader's), the transport's
 * errors (a status, an abort, a timeout, a connection) as `errorFromRecord` does.
 */
export function decodeRunError(record: unknown, lastSeq: number): UplinkError {
  const r = (typeof record === 'object' && record !== null ? record : {}) as Record<
    string,
    unknown
  >;
  if (
    typeof r.status === 'number' ||
    r.name === 'AbortError' ||
    r.name === 'TimeoutError' ||
    r.name === 'ConnectionError'
  ) {
    return errorFromRecord(r);
  }
  const code = (
    typeof r.code === 'string' && STREAM_CODES.has(r.code) ? r.code : 'server_error'
  ) as RunStreamErrorCode;
  return new RunStreamError(typeof r.message === 'string' ? r.message : 'The run stream failed', {
    code,
    lastSeq: typeof r.lastSeq === 'number' ? r.lastSeq : lastSeq,
    runId: typeof r.runId === 'string' ? r.runId : undefined,
    requestId: typeof r.requestId === 'string' ? r.requestId : undefined,
  });
}

/** Limits of {@link readRunEnvelopes}. */
export interface RunNdjsonOptions {
  /** Longest line, in bytes. */
  maxLineBytes: number;
  /** Cancels the read (the pending read ends at once, the byte stream is cancelled). */
  signal: AbortSignal;
}

/**
 * The envelopes of an NDJSON run stream, validated. Throws the error an error line carries,
 * `RunStreamError('malformed')` for a line that is not an envelope and `'oversized'` past
 * `maxLineBytes`; yields until the bytes end (the caller decides whether that was too early).
 */
export async function* readRunEnvelopes(
  stream: ReadableStream<Uint8Array>,
  options: RunNdjsonOptions,
  lastSeq: () => number,
): AsyncGenerator<StreamEnvelope, void> {
  const lines = readNdjson(stream, {
    maxLineBytes: options.maxLineBytes,
    signal: options.signal,
    decodeError: (record) => decodeRunError(record, lastSeq()),
  });
  try {
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await lines.next();
      } catch (error) {
        // The reader's own failures (not JSON, too long) become the run's, with its position.
        if (error instanceof StreamError && !(error instanceof RunStreamError)) {
          throw new RunStreamError(error.message.replace('An NDJSON line', 'A run stream line'), {
            code: error.code === 'oversized' ? 'oversized' : 'malformed',
            lastSeq: lastSeq(),
            cause: error,
          });
        }
        throw error;
      }
      if (next.done) return;
      try {
        yield parseWire(StreamEnvelopeSchema, next.value, 'run stream line');
      } catch (error) {
        if (!(error instanceof ResponseValidationError)) throw error;
        throw new RunStreamError(error.message, {
          code: 'malformed',
          lastSeq: lastSeq(),
          cause: error,
        });
      }
    }
  } finally {
    await lines.return?.();
  }
}
