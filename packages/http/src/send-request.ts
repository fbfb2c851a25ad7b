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
 */
export function sendRequest(request: WireRequest): Promise<Response> {
  return transport(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    ...(request.fetch ? { fetch: request.fetch } : {}),
  });
}

/** One ky instance with its policies off, made once: cheaper per call than passing them. */
const transport = ky.create({ retry: 0, timeout: false, throwHttpErrors: false });
