// docs/protocols/agent-sdk.md §1.7: one SSE connection as a source of envelopes. The server
// sends `data:`-only events, so every event is the default `message`; its data is validated
// as a StreamEnvelope. The end of the body is reported as such (the caller decides what it
// means), never as the end of the run.
import { ResponseValidationError } from '@uplink/core-schemas';
import { type StreamEnvelope, StreamEnvelopeSchema } from '@uplink/core-schemas/agent-sdk';
import type { HttpClient } from '@uplink/http';
import * as v from 'valibot';
import { withRequestId } from './request-meta.js';
import type { EnvelopeSource } from './resume-driver.js';

/** How to open one event stream. */
export interface EnvelopeSourceOptions {
  method: 'GET' | 'POST';
  body?: unknown;
  headers: Record<string, string>;
  /** No bytes for this long fails the connection with `TimeoutError('idle')`. */
  idleTimeoutMs: number;
  /** An event over this size fails it with `StreamError('oversized')`. */
  maxEventBytes: number;
  /** Closes the connection. */
  signal: AbortSignal;
  /** Put on errors that carry no request id. */
  requestId: string;
}

/**
 * The envelope as the transport checks it on the hot path: plain fields only, so
 * `@uplink/http` compiles it into a check without valibot's per-field allocations. What it
 * leaves out (seq a whole number >= 0, payload and metadata JSON objects) is
 * checked in {@link exact}, which hands anything odd to the full `StreamEnvelopeSchema`.
 */
const TransportEnvelopeSchema = v.looseObject({
  run_id: v.string(),
  session_id: v.string(),
  stream: v.string(),
  event: v.string(),
  // Not looseObject({}): its compiled check would copy an array into an object.
  payload: v.unknown(),
  timestamp: v.string(),
  seq: v.optional(v.number()),
  status: v.optional(v.string()),
  metadata: v.optional(v.unknown()),
});

const EVENTS = { message: TransportEnvelopeSchema };

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields the transport schema relaxes, checked; anything else goes through the full schema. */
function exact(envelope: Record<string, unknown>, url: string | undefined): StreamEnvelope {
  const { seq, payload, metadata } = envelope;
  if (
    (seq === undefined || (Number.isInteger(seq) && (seq as number) >= 0)) &&
    isPlainObject(payload) &&
    (metadata === undefined || isPlainObject(metadata))
  ) {
    return envelope as StreamEnvelope;
  }
  const result = v.safeParse(StreamEnvelopeSchema, envelope);
  if (result.success) return result.output;
  throw new ResponseValidationError({ issues: result.issues, subject: 'SSE event "message"', url });
}
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** Open `path` as an SSE stream of envelopes (the request is sent on the first `next()`). */
export function openEnvelopeSource(
  http: HttpClient,
  path: string,
  options: EnvelopeSourceOptions,
): EnvelopeSource {
  const sse = http.streamSSE(path, {
    method: options.method,
    ...(options.body === undefined ? {} : { body: options.body }),
    headers: options.headers,
    events: EVENTS,
    unknownEvents: 'drop',
    idleTimeoutMs: options.idleTimeoutMs,
    maxEventBytes: options.maxEventBytes,
    signal: options.signal,
  });
  // Nobody may await the response; keep its failure from becoming an unhandled rejection.
  sse.response.catch(() => {});
  const messages = sse[Symbol.asyncIterator]();
  const toEnvelope = (next: IteratorResult<{ data: unknown }, unknown>) =>
    next.done
      ? DONE
      : {
          done: false as const,
          value: exact(next.value.data as Record<string, unknown>, undefined),
        };
  const fail = (error: unknown): never => {
    throw withRequestId(error, options.requestId);
  };
  return {
    // `then`, not `async`/`await`: one promise hop per event on the hot path.
    next: () => messages.next().then(toEnvelope, fail),
    async return(): Promise<IteratorResult<StreamEnvelope, unknown>> {
      await messages.return?.();
      return DONE;
    },
  };
}
