// The byte form of a run stream (`RunStream.toReadableStream()`): newline-delimited JSON, one
// StreamEnvelope per line, and, when the stream fails, one last `{"uplink_error": {...}}` line,
// so a browser reading what a server relayed gets the same typed error.
import {
  AbortError,
  createApiError,
  isUplinkError,
  parseWire,
  ResponseValidationError,
  TimeoutError,
  type UplinkError,
} from '@uplink/core-schemas';
import { type StreamEnvelope, StreamEnvelopeSchema } from '@uplink/core-schemas/agent-sdk';
import { abortError } from './resume-driver.js';
import { RunStreamError, type RunStreamErrorCode } from './run-stream-error.js';

/** The key of the error record that may end an NDJSON run stream. */
export const NDJSON_ERROR_KEY = 'uplink_error';

/** Longest NDJSON line accepted by `RunStream.fromReadableStream`, in bytes. @default 1 MiB */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/** One envelope as an NDJSON line. */
export function encodeEnvelope(envelope: StreamEnvelope): Uint8Array {
  return encoder.encode(`${JSON.stringify(envelope)}\n`);
}

/** The error record line for `error`: name, message and the fields that say what to do next. */
export function encodeError(error: unknown): Uint8Array {
  const record: Record<string, unknown> = {
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
  if (isUplinkError(error)) {
    const fields = error as UplinkError & Record<string, unknown>;
    for (const key of ['code', 'status', 'lastSeq', 'runId', 'requestId', 'timeout'] as const) {
      if (fields[key] !== undefined) record[key] = fields[key];
    }
  }
  return encoder.encode(`${JSON.stringify({ [NDJSON_ERROR_KEY]: record })}\n`);
}

const STREAM_CODES = new Set<string>([
  'truncated',
  'gap',
  'server_error',
  'malformed',
  'oversized',
]);

/** Rebuild the error an error record describes, as one of our classes. */
export function decodeError(record: unknown, lastSeq: number): UplinkError {
  const r = (typeof record === 'object' && record !== null ? record : {}) as Record<
    string,
    unknown
  >;
  const message = typeof r.message === 'string' ? r.message : 'The run stream failed';
  const requestId = typeof r.requestId === 'string' ? r.requestId : undefined;
  const runId = typeof r.runId === 'string' ? r.runId : undefined;
  const seq = typeof r.lastSeq === 'number' ? r.lastSeq : lastSeq;
  if (typeof r.status === 'number') return createApiError(message, { status: r.status, requestId });
  if (r.name === 'AbortError') return new AbortError(message);
  if (r.name === 'TimeoutError') return new TimeoutError(message, { timeout: 'idle' });
  const code = (
    typeof r.code === 'string' && STREAM_CODES.has(r.code) ? r.code : 'server_error'
  ) as RunStreamErrorCode;
  return new RunStreamError(message, { code, lastSeq: seq, runId, requestId });
}

/** Limits of {@link readRunNdjson}. */
export interface NdjsonReadOptions {
  /** Longest line, in bytes. */
  maxLineBytes: number;
  /** Cancels the read (the pending read ends at once, the byte stream is cancelled). */
  signal: AbortSignal;
}

/**
 * The envelopes of an NDJSON run stream, validated. Throws the error an error record carries,
 * `RunStreamError('malformed')` for a line that is not an envelope, `'oversized'` past
 * `maxLineBytes`, and `'truncated'` when the bytes end before a terminal event (the caller
 * decides that: this yields until the bytes end).
 */
export async function* readRunNdjson(
  stream: ReadableStream<Uint8Array>,
  options: NdjsonReadOptions,
  lastSeq: () => number,
): AsyncGenerator<StreamEnvelope, void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const onAbort = (): void => void reader.cancel(options.signal.reason).catch(() => {});
  options.signal.addEventListener('abort', onAbort, { once: true });
  const parseLine = (line: string): StreamEnvelope | undefined => {
    if (line.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new RunStreamError(`A run stream line is not JSON: "${line.slice(0, 80)}"`, {
        code: 'malformed',
        lastSeq: lastSeq(),
      });
    }
    if (typeof value === 'object' && value !== null && NDJSON_ERROR_KEY in value) {
      throw decodeError((value as Record<string, unknown>)[NDJSON_ERROR_KEY], lastSeq());
    }
    try {
      return parseWire(StreamEnvelopeSchema, value, 'run stream line');
    } catch (error) {
      const message = error instanceof ResponseValidationError ? error.message : String(error);
      throw new RunStreamError(message, { code: 'malformed', lastSeq: lastSeq(), cause: error });
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (options.signal.aborted) throw abortError(options.signal.reason);
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const envelope = parseLine(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (envelope) yield envelope;
        newline = buffer.indexOf('\n');
      }
      // Counted in UTF-16 units of the decoded text: bytes, for ASCII JSON.
      if (buffer.length > options.maxLineBytes) {
        throw new RunStreamError(`A run stream line exceeded ${options.maxLineBytes} bytes`, {
          code: 'oversized',
          lastSeq: lastSeq(),
        });
      }
    }
    buffer += decoder.decode();
    const envelope = parseLine(buffer);
    if (envelope) yield envelope;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
