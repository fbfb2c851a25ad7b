// The one transport every client shares: requests, retries and timeouts live here and nowhere
// else, so a fix reaches every platform at once. SSE streams are added by the subclass in
// client-sse.ts, so a client that never streams (and its bundle) does not carry them.
import type { GenericSchema } from 'valibot';
import { bodyWithCleanup } from './body-with-cleanup.js';
import { validateClientOptions } from './client-options.js';
import type {
  HttpClientOptions,
  HttpResponse,
  HttpTextResponse,
  RequestClient,
  RequestOptions,
  SchemaOutput,
} from './http-types.js';
import type { Logger } from './logger.js';
import { type Sent, Transport } from './transport.js';
import { validateResponse } from './validate-response.js';

/** The options of a call made without any (the transport only reads them). */
const NO_OPTIONS: RequestOptions = Object.freeze({});

/** Each client's transport, for the SSE subclass; a WeakMap, so nothing shows on the object. */
const transports = new WeakMap<object, Transport>();

/** The transport behind a client made by this module. */
export function transportOf(client: object): Transport {
  const transport = transports.get(client);
  if (!transport) throw new TypeError('not an @uplink/http client');
  return transport;
}

/** Requests only; `UplinkHttpClient` (client-sse.ts) adds `streamSSE`. */
export class UplinkRequestClient implements RequestClient {
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly #transport: Transport;

  constructor(options: HttpClientOptions) {
    validateClientOptions(options);
    this.baseUrl = options.baseUrl;
    this.#transport = new Transport(options);
    this.logger = this.#transport.logger;
    transports.set(this, this.#transport);
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
    options: RequestOptions = NO_OPTIONS,
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

  async text(
    method: string,
    path: string,
    options: RequestOptions & { accept?: string | undefined } = NO_OPTIONS,
  ): Promise<HttpTextResponse> {
    const sent = await this.#transport.send(method.toUpperCase(), path, options, 'json');
    const { headers, status } = sent.response;
    return {
      data: sent.text,
      status,
      headers,
      requestId: headers.get('x-request-id') ?? undefined,
      correlationId: headers.get('x-correlation-id') ?? undefined,
      url: sent.url,
    };
  }

  async raw(
    method: string,
    path: string,
    options: RequestOptions & { accept?: string | undefined } = {},
  ): Promise<Response> {
    const sent = await this.#transport.send(method.toUpperCase(), path, options, 'raw');
    return bodyWithCleanup(sent.response, sent.cleanup, sent.mapError);
  }

  async close(): Promise<void> {
    this.#transport.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * {@link createHttpClient} without `streamSSE`: the same requests, retries, timeouts, abort,
 * error mapping and logging, for clients that never stream. A bundle that uses only this does
 * not include the SSE parser and stream code. Throws `ConfigurationError` for invalid options.
 */
export function createRequestClient(options: HttpClientOptions): RequestClient {
  return new UplinkRequestClient(options);
}
