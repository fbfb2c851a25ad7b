import ky from 'ky';

/** One attempt on the wire. */
export interface WireRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  signal: AbortSignal;
  fetch: typeof fetch | undefined;
}

/**
 * Send one attempt through ky with its own policies off (no retry, no timeout, no throwing on
 * status): the retry loop, timeouts and error mapping are ours, because ky cannot honour
 * `X-Backoff-Ms` or body hints, retry only keyed POSTs, or split attempt/total/idle timeouts.
 *
 * With the platform fetch, the attempt's signal joins at the fetch boundary rather than as
 * ky's `signal` option: ky would combine it with its own controller (`AbortSignal.any`) and
 * link the result to its Request, which the bench measures at about a fifth of a small GET's
 * client CPU. A custom fetch gets ky's Request with the signal on it, as before, since it may
 * read only the Request.
 */
export function sendRequest(request: WireRequest): Promise<Response> {
  const { signal } = request;
  if (request.fetch) {
    return transport(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      fetch: request.fetch,
    });
  }
  return transport(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    fetch: (input, init) => fetch(input, init ? { ...init, signal } : { signal }),
  });
}

/** One ky instance with its policies off, made once: cheaper per call than passing them. */
const transport = ky.create({ retry: 0, timeout: false, throwHttpErrors: false });
