import type { GenericSchema, InferOutput } from 'valibot';
import type { AuthStrategy } from './auth.js';
import type { Logger } from './logger.js';
import type { RetryOptions } from './retry-policy.js';
import type { SSEEventSchemas, SSEOptions, SSEStream, SSEUnknownEvents } from './sse-types.js';

/**
 * Transport settings every Uplink client accepts and hands to {@link createHttpClient}
 * (pick them with `pickTransportOptions`). Clients document their own defaults where they differ.
 */
export interface TransportOptions {
  /** Headers sent on every request (names are case-insensitive). @default {} */
  headers?: Record<string, string> | undefined;
  /**
   * Timeout of one attempt, until the body is read (JSON calls) or the headers arrive (streams).
   * @default 30000
   */
  timeoutMs?: number | undefined;
  /**
   * Timeout of a whole call across its retries and waits. Streams are covered until their headers.
   * @default undefined (none)
   */
  totalTimeoutMs?: number | undefined;
  /** Retry policy, or `false` for none. @default {} (see RetryOptions) */
  retry?: RetryOptions | false | undefined;
  /**
   * Largest 2xx body a JSON call reads, in bytes. Reading stops at the limit (the rest is
   * cancelled, never buffered) and the call fails with `ResponseTooLargeError`, which is never
   * retried. Raise it for calls that really return more; `Infinity` turns the limit off.
   * Raw and stream calls are not limited here (streams have `maxEventBytes`).
   * @default 33554432 (32 MiB)
   */
  maxResponseBytes?: number | undefined;
  /** A custom fetch, for proxies and tests. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Where debug lines go; everything is redacted first. @default silentLogger */
  logger?: Logger | undefined;
  /** Aborts every call made by this client. @default undefined (none) */
  signal?: AbortSignal | undefined;
}

/** Options for {@link createHttpClient}. */
export interface HttpClientOptions extends TransportOptions {
  /** Absolute http(s) URL every path is resolved against (its path is kept as a prefix). */
  baseUrl: string;
  /** Credential headers per attempt: `bearer(token)`, `header(name, value)` or your own. @default undefined (no credentials) */
  auth?: AuthStrategy | undefined;
  /** Appended to the User-Agent. @default undefined */
  userAgent?: string | undefined;
  /**
   * The SDK on whose behalf requests are made: `User-Agent: uplink-<name>/<version> (<runtime>/<ver>)`.
   * @default undefined (`uplink-http/<version>`)
   */
  sdk?: { name: string; version: string } | undefined;
  /** Extra values (tokens, keys) to scrub from errors and logs. @default [] */
  secrets?: string[] | undefined;
}

/** Query values; `null` and `undefined` are left out. */
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** Options of one call. */
export interface RequestOptions {
  /** Query parameters appended to the path. @default undefined (none) */
  query?: QueryParams | undefined;
  /** Headers for this call, over the client's. @default undefined (the client's) */
  headers?: Record<string, string> | undefined;
  /** JSON-encoded request body. @default undefined (no body) */
  body?: unknown;
  /** Sent as `Idempotency-Key`, the same on every attempt; makes POST and PATCH retryable. @default undefined */
  idempotencyKey?: string | undefined;
  /**
   * Mark the call safe (or unsafe) to repeat, overriding the method's default.
   * @default undefined (GET/HEAD/PUT/DELETE/OPTIONS yes; POST/PATCH only with idempotencyKey)
   */
  idempotent?: boolean | undefined;
  /** Aborts this call; it then rejects with `AbortError` and is never retried. @default undefined */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout for this call. @default the client's timeoutMs */
  timeoutMs?: number | undefined;
  /** Retry policy for this call, merged over the client's; `false` for none. @default the client's */
  retry?: RetryOptions | false | undefined;
  /** Largest 2xx body this call reads, in bytes (see `TransportOptions.maxResponseBytes`). @default the client's */
  maxResponseBytes?: number | undefined;
}

/** A parsed response with its metadata. */
export interface HttpResponse<T> {
  /** The validated body. */
  data: T;
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** `X-Request-Id`, when sent. */
  requestId?: string | undefined;
  /** `X-Correlation-Id`, when sent. */
  correlationId?: string | undefined;
}

/** A 2xx body read as text, with its metadata (see `RequestClient.text`). */
export interface HttpTextResponse extends HttpResponse<string> {
  /** The URL requested, query included and not redacted: redact it before showing it. */
  url: string;
}

/** The parsed output of a schema, or `undefined` for a `null` schema (body ignored). */
export type SchemaOutput<S extends GenericSchema | null> = S extends GenericSchema
  ? InferOutput<S>
  : undefined;

/** A typed JSON client over one base URL, without SSE (see `createRequestClient`). */
export interface RequestClient extends AsyncDisposable {
  /** Any method; returns the validated body with status, headers and ids. */
  request<S extends GenericSchema | null>(
    method: string,
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<HttpResponse<SchemaOutput<S>>>;
  /** GET, returning the validated body. */
  get<S extends GenericSchema | null>(
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<SchemaOutput<S>>;
  /** POST (retried only with an idempotency key or `idempotent: true`). */
  post<S extends GenericSchema | null>(
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<SchemaOutput<S>>;
  /** PUT. */
  put<S extends GenericSchema | null>(
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<SchemaOutput<S>>;
  /** PATCH (retried only with an idempotency key or `idempotent: true`). */
  patch<S extends GenericSchema | null>(
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<SchemaOutput<S>>;
  /** DELETE; pass `null` as schema to ignore the body. */
  delete<S extends GenericSchema | null>(
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<SchemaOutput<S>>;
  /**
   * Any method; the 2xx body as text, for bodies the caller parses itself. The body is read the
   * way a JSON call's is: within the attempt's `timeoutMs` (an endless body fails with
   * `TimeoutError('attempt')`) and `maxResponseBytes` (`ResponseTooLargeError`, the rest
   * cancelled unread), retried like the other verbs. Non-2xx raises `ApiError`.
   */
  text(
    method: string,
    path: string,
    options?: RequestOptions & { accept?: string | undefined },
  ): Promise<HttpTextResponse>;
  /**
   * The raw response, retried like the others until its headers arrive; non-2xx raises
   * `ApiError`. The body is left open for streaming or binary reads; the caller's signal
   * still aborts it.
   */
  raw(
    method: string,
    path: string,
    options?: RequestOptions & { accept?: string | undefined },
  ): Promise<Response>;
  /** Abort every call in flight and refuse new ones. */
  close(): Promise<void>;
  /** The base URL, as given. */
  readonly baseUrl: string;
  /** The client's (redacting) logger. */
  readonly logger: Logger;
}

/** A typed JSON client over one base URL, with SSE streams. */
export interface HttpClient extends RequestClient {
  /**
   * An SSE stream from `path` (GET unless `method` says otherwise); see {@link SSEOptions}.
   * Closing the client ends the stream with `AbortError`, even one nobody is reading.
   */
  streamSSE<E extends SSEEventSchemas, U extends SSEUnknownEvents = 'drop'>(
    path: string,
    options: SSEOptions<E, U> & RequestOptions & { method?: string | undefined },
  ): SSEStream<E, U>;
}
