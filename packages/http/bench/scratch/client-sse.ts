// The HTTP client with SSE: requests from UplinkRequestClient, plus `streamSSE` over the same
// transport (retries until the headers arrive, the client's signal, close(), redaction). Kept
// apart so that clients that never stream build on createRequestClient and leave this out.
import { redactUrl } from '@uplink/core-schemas';
import { transportOf, UplinkRequestClient } from './http-client.js';
import type { HttpClient, HttpClientOptions, RequestOptions } from './http-types.js';
import { buildUrl } from './request-url.js';
import { streamSSE } from './sse-stream.js';
import type { SSEEventSchemas, SSEOptions, SSEStream } from './sse-types.js';

class UplinkHttpClient extends UplinkRequestClient implements HttpClient {
  streamSSE<E extends SSEEventSchemas>(
    path: string,
    options: SSEOptions<E> & RequestOptions & { method?: string | undefined },
  ): SSEStream<E> {
    const transport = transportOf(this);
    const { method = 'GET', signal, headers, ...rest } = options;
    const upper = method.toUpperCase();
    let mapReadError: ((error: unknown) => unknown) | undefined;
    return streamSSE<E>(
      async ({ signal: streamSignal, lastEventId }) => {
        const sent = await transport.send(
          upper,
          path,
          {
            ...rest,
            accept: 'text/event-stream',
            headers: lastEventId ? { ...headers, 'Last-Event-ID': lastEventId } : headers,
            streamSignal,
          },
          'stream',
        );
        mapReadError = sent.mapError;
        return sent.response;
      },
      {
        ...rest,
        signal,
        logger: options.logger ?? this.logger,
        secrets: () => transport.secrets.values(),
        mapReadError: (error) => mapReadError?.(error),
        url: redactUrl(buildUrl(this.baseUrl, path, rest.query), transport.secrets.values()),
      },
    );
  }
}

/**
 * A typed JSON client over one base URL: retries with backoff and server hints, per-attempt
 * and total timeouts, leak-free abort, errors mapped to the `ApiError` family, SSE, and
 * redacted debug logging. Throws `ConfigurationError` for invalid options. A client that never
 * streams can use {@link createRequestClient} and leave the SSE code out of its bundle.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new UplinkHttpClient(options);
}
