// docs/protocols/saturn.md §2.6: after a 500 from an unhandled exception SATURN closes the
// keep-alive connection without `Connection: close`, and a pooled client may send its next
// request on the dead connection. That request never reached the application, so it is sent
// again, once. Nothing else is ever re-sent here: retries of real failures are the transport's.

/** How long a dropped connection is expected to linger in the client's pool. */
const DROP_WINDOW_MS = 10_000;
/** At most this many dropped connections are remembered. */
const MAX_PENDING = 16;
/** Error codes of a request that died on a connection the server had already closed. */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function staleConnectionCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && STALE_CONNECTION_CODES.has(code)) return code;
    e = e.cause;
  }
  return undefined;
}

/** What the wrapper reports when it re-sends a request. */
export type ResendListener = (info: { method: string; code: string }) => void;

/**
 * Wrap `fetch` so that the one request lost on a connection SATURN dropped after a 500 is sent
 * again. Each 5xx without `X-Request-Id` (the server's unhandled-exception path, which closes
 * the connection) opens one resend slot for ten seconds; a request that then fails with a reset
 * or closed socket uses the slot and is sent once more. Browsers retry such requests
 * themselves and report no socket codes, so this only acts where a pooled runtime (undici)
 * surfaces the reset.
 */
export function resendOnDroppedConnection(
  fetchImpl: typeof fetch,
  onResend: ResendListener = () => {},
): typeof fetch {
  const pending: number[] = [];
  const take = (): boolean => {
    const now = Date.now();
    while (pending.length > 0 && (pending[0] ?? 0) < now) pending.shift();
    return pending.shift() !== undefined;
  };
  const send = async (input: RequestInfo | URL, init: RequestInit | undefined) => {
    const response = await fetchImpl(input, init);
    if (response.status >= 500 && !response.headers.has('x-request-id')) {
      if (pending.length >= MAX_PENDING) pending.shift();
      pending.push(Date.now() + DROP_WINDOW_MS);
    }
    return response;
  };
  return async (first, init) => {
    let input = first;
    let request = input instanceof Request ? input : undefined;
    const aborted = () => init?.signal?.aborted || request?.signal.aborted;
    // Each pending slot stands for one dead connection, and each dead connection can swallow
    // at most one request, so this loop runs at most once per slot.
    for (;;) {
      // A body can be read once: keep a copy only while a resend is possible.
      const spare = pending.length > 0 && request ? request.clone() : undefined;
      try {
        return await send(input, init);
      } catch (error) {
        const code = staleConnectionCode(error);
        if (!code || aborted() || (request && !spare) || !take()) throw error;
        onResend({ method: request?.method ?? init?.method ?? 'GET', code });
        if (spare) {
          input = spare;
          request = spare;
        }
      }
    }
  };
}
