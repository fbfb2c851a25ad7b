import { UplinkError, type UplinkErrorOptions } from './uplink-error.js';

/** Everything known about a failed HTTP exchange. URL, headers and body must already be redacted. */
export interface ApiErrorInit extends UplinkErrorOptions {
  /** HTTP status code. */
  status: number;
  /** Machine-readable error code from the server, when it sent one. */
  code?: string | undefined;
  /** Structured details the server attached to the error (SATURN's `error.details`), when any. */
  details?: Record<string, unknown> | undefined;
  /** The server's request id (`X-Request-Id`), when sent. */
  requestId?: string | undefined;
  /** The correlation id (`X-Correlation-Id`), when sent. */
  correlationId?: string | undefined;
  /** Response headers, with credentials redacted. */
  headers?: Record<string, string> | undefined;
  /** The parsed response body (JSON value, text summary, or undefined when empty). */
  body?: unknown;
  /** HTTP method of the request. */
  method?: string | undefined;
  /** Request URL, with secret query values redacted. */
  url?: string | undefined;
  /** Whether the server said the request may be retried (llama-orch `retriable`). */
  retriable?: boolean | undefined;
  /** Delay the server asked for before a retry, in milliseconds. */
  retryAfterMs?: number | undefined;
}

/** A non-2xx HTTP response. Subclasses exist per status family; see {@link createApiError}. */
export class ApiError extends UplinkError {
  static override readonly errorName: string = 'ApiError';
  /** HTTP status code. */
  readonly status: number;
  /** Machine-readable error code from the server, when it sent one. */
  readonly code: string | undefined;
  /** Structured details the server attached to the error, when any. */
  readonly details: Record<string, unknown> | undefined;
  /** The server's request id, when sent. */
  readonly requestId: string | undefined;
  /** The correlation id, when sent. */
  readonly correlationId: string | undefined;
  /** Response headers, with credentials redacted. */
  readonly headers: Record<string, string>;
  /** The parsed response body. */
  readonly body: unknown;
  /** HTTP method of the request. */
  readonly method: string | undefined;
  /** Redacted request URL. */
  readonly url: string | undefined;
  /** Whether the server marked the failure retriable, when it said. */
  readonly retriable: boolean | undefined;
  /** Delay the server asked for before a retry, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: ApiErrorInit) {
    super(message, init);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.requestId = init.requestId;
    this.correlationId = init.correlationId;
    this.headers = init.headers ?? {};
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
    this.retriable = init.retriable;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * The fields of an {@link ApiError} as an {@link ApiErrorInit}, to build a more specific error
 * from it (add `cause: error` to keep the original). The cause is left out: an error that
 * scrubs a secret from the original must not carry it along.
 */
export function apiErrorInit(error: ApiError): ApiErrorInit {
  return {
    status: error.status,
    code: error.code,
    details: error.details,
    requestId: error.requestId,
    correlationId: error.correlationId,
    headers: error.headers,
    body: error.body,
    method: error.method,
    url: error.url,
    retriable: error.retriable,
    retryAfterMs: error.retryAfterMs,
  };
}

/** HTTP 400. */
export class BadRequestError extends ApiError {
  static override readonly errorName: string = 'BadRequestError';
}
/** HTTP 401: the credential is missing or invalid. */
export class AuthenticationError extends ApiError {
  static override readonly errorName: string = 'AuthenticationError';
}
/** HTTP 403: the credential is valid but not allowed here. */
export class PermissionDeniedError extends ApiError {
  static override readonly errorName: string = 'PermissionDeniedError';
}
/** HTTP 404. */
export class NotFoundError extends ApiError {
  static override readonly errorName: string = 'NotFoundError';
}
/** HTTP 409: the resource is not in a state that allows the request. */
export class ConflictError extends ApiError {
  static override readonly errorName: string = 'ConflictError';
}
/** HTTP 422: the server rejected the request body or parameters. */
export class UnprocessableEntityError extends ApiError {
  static override readonly errorName: string = 'UnprocessableEntityError';
}
/** HTTP 429. `retryAfterMs` carries the server's hint when it gave one. */
export class RateLimitError extends ApiError {
  static override readonly errorName: string = 'RateLimitError';
}
/** HTTP 5xx. */
export class InternalServerError extends ApiError {
  static override readonly errorName: string = 'InternalServerError';
}

/** Build the subclass of {@link ApiError} that matches the status. */
export function createApiError(message: string, init: ApiErrorInit): ApiError {
  const { status } = init;
  if (status === 400) return new BadRequestError(message, init);
  if (status === 401) return new AuthenticationError(message, init);
  if (status === 403) return new PermissionDeniedError(message, init);
  if (status === 404) return new NotFoundError(message, init);
  if (status === 409) return new ConflictError(message, init);
  if (status === 422) return new UnprocessableEntityError(message, init);
  if (status === 429) return new RateLimitError(message, init);
  if (status >= 500) return new InternalServerError(message, init);
  return new ApiError(message, init);
}
