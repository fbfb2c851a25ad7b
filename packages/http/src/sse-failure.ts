// How an SSE stream's failures reach its reader: the abort reasons the stream sets itself, and
// the one error each failure becomes (docs/client.md, "Errors").
import { AbortError, ConnectionError, isUplinkError, TimeoutError } from '@uplink/core-schemas';
import { pathOf } from './request-url.js';

/** No bytes for `idleTimeoutMs` while a read waited. */
export const IDLE = Symbol('uplink.sseIdle');
/** The whole stream outlasted `totalTimeoutMs`. */
export const TOTAL = Symbol('uplink.sseTotal');
/** The reader let go (`return()`): the stream ends quietly. */
export const CLOSED = Symbol('uplink.sseClosed');

/** What a failure's message and fields need to know about the stream. */
export interface SSEFailureContext {
  url: string | undefined;
  idleTimeoutMs: number;
  totalTimeoutMs: number | undefined;
}

/** ` from <scheme://host:port/path>` when the URL is known, so the message names the server. */
function from(url: string | undefined): string {
  return url ? ` from ${pathOf(url, true)}` : '';
}

/**
 * The error a failure becomes (or {@link CLOSED} for a stream the reader let go): the stream's
 * own timeouts as `TimeoutError`, an abort as the Uplink error it carries or an `AbortError`,
 * our own errors as they are, anything else (the network) as a `ConnectionError` naming the
 * server.
 */
export function mapSSEFailure(
  error: unknown,
  signal: AbortSignal,
  context: SSEFailureContext,
): unknown {
  const { url } = context;
  if (signal.aborted) {
    const reason = signal.reason;
    if (reason === CLOSED) return CLOSED;
    if (reason === TOTAL) {
      return new TimeoutError(
        `The SSE stream${from(url)} did not finish within its total timeout of ${context.totalTimeoutMs} ms`,
        { timeout: 'total', timeoutMs: context.totalTimeoutMs, url },
      );
    }
    if (reason === IDLE) {
      return new TimeoutError(
        `The SSE stream${from(url)} received no bytes for ${context.idleTimeoutMs} ms`,
        { timeout: 'idle', timeoutMs: context.idleTimeoutMs, url },
      );
    }
    if (isUplinkError(error)) return error;
    if (isUplinkError(reason)) return reason;
    return new AbortError('The SSE stream was aborted', { url, cause: reason });
  }
  if (isUplinkError(error)) return error;
  return new ConnectionError(
    `The SSE stream${from(url)} failed: ${error instanceof Error ? error.message : String(error)}`,
    { url, cause: error },
  );
}
