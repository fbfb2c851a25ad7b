// The one transport every client shares: requests, retries, timeouts and SSE streams live here
// and nowhere else, so a fix reaches every platform at once.
import { AbortError, redactUrl } from '@uplink/core-schemas';
import type { GenericSchema } from 'valibot';
import { bodyWithCleanup } from './body-with-cleanup.js';
import { validateClientOptions } from './client-options.js';
import type {
  HttpClient,
  HttpClientOptions,
  HttpResponse,
  RequestOptions,
  SchemaOutput,
} from './http-types.js';
import type { Logger } from './logger.js';
import { buildUrl, pathOf } from './request-url.js';
import { streamLinkedSSE } from './sse-stream.js';
import type { SSEEventSchemas, SSEOptions, SSEStream, SSEUnknownEvents } from './sse-types.js';
import { type Sent, Transport } from './transport.js';
import { validateResponse } from './validate-response.js';

class UplinkHttpClient implements HttpClient {
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly #transport: Transport;
  /** Aborted by `close()`: ends the SSE streams this client opened, read or not. */
  readonly #closing = new AbortController();

  constructor(options: HttpClientOptions) {
    validateClientOptions(options);
    this.baseUrl = options.baseUrl;
    this.#transport = new Transport(options);
    this.logger = this.#transport.logger;
  }

  async request<S extends GenericSchema | null>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<HttpResponse<SchemaOutput<S>>> {
    const upper = method.toUpperCase();
    const sent = await this.#transport.send(upper, path, options, 'json');
    const { response } = sent;
    return {
      data: this.#validate(schema, upper, sent),
      status: response.status,
      headers: response.headers,
      requestId: response.headers.get('x-request-id') ?? undefined,
      correlationId: response.headers.get('x-correlation-id') ?? undefined,
    };
  }

  /** The verbs return only the body: no response headers are read unless validation fails. */
  async #data<S extends GenericSchema | null>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<SchemaOutput<S>> {
    return this.#validate(
      schema,
      method,
      await this.#transport.send(method, path, options, 'json'),
    );
  }

  #validate<S extends GenericSchema | null>(
    schema: S,
    method: string,
    sent: Sent,
  ): SchemaOutput<S> {
    return validateResponse(schema, sent.text, method, sent.url, sent.response, () =>
      this.#transport.secrets.values(),
    ) as SchemaOutput<S>;
  }

  get<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return this.#data('GET', path, schema, options);
  }
  post<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return this.#data('POST', path, schema, options);
  }
  put<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return this.#data('PUT', path, schema, options);
  }
  patch<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return this.#data('PATCH', path, schema, options);
  }
  delete<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return this.#data('DELETE', path, schema, options);
  }

  async raw(
    method: string,
    path: string,
    options: RequestOptions & { accept?: string | undefined } = {},
  ): Promise<Response> {
    const sent = await this.#transport.send(method.toUpperCase(), path, options, 'raw');
    return bodyWithCleanup(sent.response, sent.cleanup, sent.mapError);
  }

  streamSSE<E extends SSEEventSchemas, U extends SSEUnknownEvents = 'drop'>(
    path: string,
    options: SSEOptions<E, U> & RequestOptions & { method?: string | undefined },
  ): SSEStream<E, U> {
    const { method = 'GET', signal, headers, ...rest } = options;
    const upper = method.toUpperCase();
    let mapReadError: ((error: unknown) => unknown) | undefined;
    const url = redactUrl(
      buildUrl(this.baseUrl, path, rest.query),
      this.#transport.secrets.values(),
    );
    return streamLinkedSSE<E, U>(
      async ({ signal: streamSignal, lastEventId }) => {
        const sent = await this.#transport.send(
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
        secrets: () => this.#transport.secrets.values(),
        mapReadError: (error) => mapReadError?.(error),
        url,
      },
      {
        signal: this.#closing.signal,
        error: () =>
          new AbortError(`${upper} ${pathOf(url)} was aborted: the client was closed`, {
            method: upper,
            url,
          }),
      },
    );
  }

  async close(): Promise<void> {
    this.#transport.close();
    this.#closing.abort();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * A typed JSON client over one base URL: retries with backoff and server hints, per-attempt
 * and total timeouts, leak-free abort, errors mapped to the `ApiError` family, SSE, and
 * redacted debug logging. Throws `ConfigurationError` for invalid options.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new UplinkHttpClient(options);
}
