import { ConnectionError } from '@uplink/core-schemas';
import type { KyInstance } from 'ky';

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
  return transport ? send(transport, request) : loadTransport().then((ky) => send(ky, request));
}

function send(ky: KyInstance, request: WireRequest): Promise<Response> {
  const { signal } = request;
  if (request.fetch) {
    return ky(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      fetch: request.fetch,
    });
  }
  // No `body` key without a body: ky copies its options object once per key.
  const fetchWithSignal: typeof fetch = (input, init) =>
    fetch(input, init ? { ...init, signal } : { signal });
  return ky(
    request.url,
    request.body === null
      ? { method: request.method, headers: request.headers, fetch: fetchWithSignal }
      : {
          method: request.method,
          headers: request.headers,
          body: request.body,
          fetch: fetchWithSignal,
        },
  );
}

/**
 * One ky instance with its policies off, made on the first request: cheaper per call than
 * passing them, and loading ky lazily keeps it (and the `new Request()` probe ky runs when it
 * loads, which makes Node load its fetch implementation) off the import path of code that
 * never sends a request: a CLI's `--help`, schema-only imports, a client that is built but not
 * used. Bundlers still include ky: the specifier is a static string.
 */
let transport: KyInstance | undefined;
let loading: Promise<KyInstance> | undefined;

function loadTransport(): Promise<KyInstance> {
  loading ??= import('ky').then(
    ({ default: ky }) => {
      transport = ky.create({ retry: 0, timeout: false, throwHttpErrors: false });
      return transport;
    },
    (error: unknown) => {
      // Let the next request try again rather than caching the failure. An UplinkError is
      // not retried by the transport: a missing module does not come back by waiting.
      loading = undefined;
      throw new ConnectionError(
        `Could not load ky, the HTTP transport of @uplink/http (${error instanceof Error ? error.message : String(error)}); reinstall the dependencies`,
        { cause: error },
      );
    },
  );
  return loading;
}
