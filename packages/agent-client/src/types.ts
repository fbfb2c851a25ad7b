// docs/protocols/saturn.md §2.1 (request ids) and §6 (surfacing them on results)

/** Options every call that does I/O accepts. */
export interface CallOptions {
  /** Aborts the call; it then rejects with `AbortError` and is never retried. */
  signal?: AbortSignal | undefined;
  /**
   * Sent as `X-Request-Id`; SATURN repeats it in `meta.request_id` and in its logs.
   * @default a new UUID per call
   */
  requestId?: string | undefined;
}

/** Options of a write that may carry an idempotency key (with `capabilities.idempotencyKeys`). */
export interface WriteOptions extends CallOptions {
  /**
   * Sent as `Idempotency-Key`, the same on every retry. Needs `capabilities.idempotencyKeys`
   * (SATURN ignores the header); with it on, a key is generated when you give none.
   * @default undefined (a new UUID per call when the capability is on)
   */
  idempotencyKey?: string | undefined;
}

/** Options of a list call; `limit` and `cursor` need `capabilities.pagination`. */
export interface ListOptions extends CallOptions {
  /** Page size (`?limit=`). @default undefined (the server's default) */
  limit?: number | undefined;
  /** The `nextCursor` of the previous page (`?cursor=`). @default undefined (the first page) */
  cursor?: string | undefined;
}

/**
 * The `data` of SATURN's envelope, exactly as sent, with the request id attached as a
 * non-enumerable `requestId` (so spreading, `JSON.stringify` and equality see the wire data only).
 * `requestId` is the server's `meta.request_id`, else its `X-Request-Id` header, else the id sent.
 */
export type SaturnResult<T> = T & { readonly requestId: string };

/**
 * A list's `data`, plus the non-enumerable `requestId` and `nextCursor` (from `meta.next_cursor`;
 * always `undefined` on a server without pagination, which returns everything at once).
 */
export type SaturnPage<T> = SaturnResult<T> & { readonly nextCursor: string | undefined };
