// docs/protocols/agent-sdk.md §1.7: one SSE connection as a source of envelopes. The server
// sends `data:`-only events, so every event is the default `message`; its data is validated
// as a StreamEnvelope. The end of the body is reported as such (the caller decides what it
// means), never as the end of the run.
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { StreamEnvelopeSchema } from '@uplink/core-schemas/agent-sdk';
import type { HttpClient } from '@uplink/http';
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

const EVENTS = { message: StreamEnvelopeSchema };
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
  return {
    async next(): Promise<IteratorResult<StreamEnvelope, unknown>> {
      try {
        const next = await messages.next();
        if (next.done) return DONE;
        return { done: false, value: next.value.data as StreamEnvelope };
      } catch (error) {
        throw withRequestId(error, options.requestId);
      }
    },
    async return(): Promise<IteratorResult<StreamEnvelope, unknown>> {
      await messages.return?.();
      return DONE;
    },
  };
}
