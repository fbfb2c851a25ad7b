import { UplinkError, type UplinkErrorOptions } from './uplink-error.js';

/**
 * Why a stream failed. Known codes: `truncated` (ended before a terminal event), `oversized`
 * (an event passed the size limit), `malformed` (data that is not valid JSON), `server_error`
 * (an `error` event), plus any code a server sent in its error event.
 */
export type StreamErrorCode =
  | 'truncated'
  | 'oversized'
  | 'malformed'
  | 'server_error'
  | (string & {});

/** Context for a {@link StreamError}. */
export interface StreamErrorInit extends UplinkErrorOptions {
  /** Why the stream failed. */
  code: StreamErrorCode;
  /** Whether retrying could help, when the server said. */
  retriable?: boolean | undefined;
  /** The SSE event name involved, when there was one. */
  event?: string | undefined;
  /** The last SSE id seen, for resuming. */
  lastEventId?: string | undefined;
  /** Correlation id of the stream, when known. */
  correlationId?: string | undefined;
  /** Redacted URL of the stream. */
  url?: string | undefined;
  /** The server's error payload, when the stream carried one. */
  data?: unknown;
}

/** An SSE or body stream failed: an error event, a truncated or broken stream, an oversized event. */
export class StreamError extends UplinkError {
  static override readonly errorName: string = 'StreamError';
  /** Why the stream failed. */
  readonly code: StreamErrorCode;
  /** Whether retrying could help, when the server said. */
  readonly retriable: boolean | undefined;
  /** The SSE event name involved. */
  readonly event: string | undefined;
  /** The last SSE id seen. */
  readonly lastEventId: string | undefined;
  /** Correlation id of the stream. */
  readonly correlationId: string | undefined;
  /** Redacted URL of the stream. */
  readonly url: string | undefined;
  /** The server's error payload, when there was one. */
  readonly data: unknown;

  constructor(message: string, init: StreamErrorInit) {
    super(message, init);
    this.code = init.code;
    this.retriable = init.retriable;
    this.event = init.event;
    this.lastEventId = init.lastEventId;
    this.correlationId = init.correlationId;
    this.url = init.url;
    this.data = init.data;
  }
}

/** Context for a {@link ResponseTooLargeError}. */
export interface ResponseTooLargeErrorInit extends UplinkErrorOptions {
  /** The limit that was reached, in bytes. */
  maxBytes: number;
  /** The size the response declared (`Content-Length`), when it declared one over the limit. */
  declaredBytes?: number | undefined;
  /** HTTP method of the request. */
  method?: string | undefined;
  /** Redacted request URL. */
  url?: string | undefined;
  /** HTTP status of the response. */
  status?: number | undefined;
  /** The server's request id, when sent. */
  requestId?: string | undefined;
}

/**
 * A response body was larger than the client accepts (`maxResponseBytes`): reading stopped at
 * the limit and the rest was cancelled unread. A `StreamError` with code `oversized` that is
 * never retried: the same request would bring the same body.
 */
export class ResponseTooLargeError extends StreamError {
  static override readonly errorName: string = 'ResponseTooLargeError';
  /** The limit that was reached, in bytes. */
  readonly maxBytes: number;
  /** The size the response declared, when its `Content-Length` was over the limit. */
  readonly declaredBytes: number | undefined;
  /** HTTP method of the request. */
  readonly method: string | undefined;
  /** HTTP status of the response. */
  readonly status: number | undefined;
  /** The server's request id, when sent. */
  readonly requestId: string | undefined;

  constructor(message: string, init: ResponseTooLargeErrorInit) {
    super(message, { ...init, code: 'oversized', retriable: false });
    this.maxBytes = init.maxBytes;
    this.declaredBytes = init.declaredBytes;
    this.method = init.method;
    this.status = init.status;
    this.requestId = init.requestId;
  }
}
