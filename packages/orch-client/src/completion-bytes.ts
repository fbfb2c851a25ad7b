// A completion handed on as bytes (docs/client.md, "Streams as bytes"): NDJSON chunks and an
// end line, or its text alone.
import { NDJSON_CONTENT_TYPE } from '@uplink/http';
import type { CompletionChunk, CompletionResult } from './completion-result.js';

/**
 * The last line of a completion's bytes (`toReadableStream()`), after its chunks: what the
 * reader needs for `finalResult()` beyond the chunks, and proof that the stream was not cut.
 */
export interface CompletionEndLine {
  type: 'end';
  /** The task id. */
  taskId: string;
  /** The correlation id of the enqueue, the stream and any cancel. */
  correlationId: string;
  /** The session id (send it again to continue the session). */
  sessionId: string;
  /** Tokens delivered (the token lines before this one). */
  tokensOut: number;
  /** `tokens_out` as the server reported it, when it did. */
  reportedTokensOut?: number | undefined;
  /** Decode time the server reported, when it did. */
  decodeMs?: number | undefined;
  /** True when the server ended the stream with `end {"canceled": true}`. */
  canceled: boolean;
}

/** The end line for a finished completion (the admission stays on the server). */
export function completionEndLine(result: Omit<CompletionResult, 'enqueue'>): CompletionEndLine {
  return {
    type: 'end',
    taskId: result.taskId,
    correlationId: result.correlationId,
    sessionId: result.sessionId,
    tokensOut: result.tokensOut,
    reportedTokensOut: result.reportedTokensOut,
    decodeMs: result.decodeMs,
    canceled: result.canceled,
  };
}

/** The token texts of a chunk iterator; leaving the loop early stops the iterator. */
export function textsOf(iterator: AsyncIterator<CompletionChunk>): AsyncIterable<string> {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          if (next.value.type === 'token') yield next.value.text;
        }
      } finally {
        await iterator.return?.();
      }
    },
  };
}

/**
 * The token texts as UTF-8 bytes, one token per pull. A failure errors the stream (plain text
 * has no room for an error line); cancelling it stops the iterator.
 */
export function completionTextStream(
  iterator: AsyncIterator<CompletionChunk>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const next = await iterator.next();
            if (next.done) return controller.close();
            if (next.value.type === 'token' && next.value.text !== '') {
              return controller.enqueue(encoder.encode(next.value.text));
            }
          }
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** `body` as a `text/plain; charset=utf-8` response (headers in `init` win). */
export function textStreamResponse(
  body: ReadableStream<Uint8Array>,
  init?: ResponseInit,
): Response {
  return withContentType(body, 'text/plain; charset=utf-8', init);
}

/** `body` as an `application/x-ndjson` response (headers in `init` win). */
export function ndjsonResponse(body: ReadableStream<Uint8Array>, init?: ResponseInit): Response {
  return withContentType(body, NDJSON_CONTENT_TYPE, init);
}

function withContentType(
  body: ReadableStream<Uint8Array>,
  type: string,
  init: ResponseInit = {},
): Response {
  const headers = new Headers(init.headers);
  if (!headers.has('content-type')) headers.set('content-type', type);
  return new Response(body, { ...init, headers });
}
