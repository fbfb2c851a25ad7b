// sdk-practices §4 (retries, timeouts, abort hygiene, idempotency keys) and §10 (logging, User-Agent).
import {
  AbortError,
  ApiError,
  ConnectionError,
  isUplinkError,
  redactUrl,
  TimeoutError,
  type UplinkError,
} from '@uplink/core-schemas';
import ky from 'ky';
import type { GenericSchema } from 'valibot';
import { anySignal } from './any-signal.js';
import { bodyWithCleanup } from './body-with-cleanup.js';
import { validateClientOptions } from './client-options.js';
import { computeBackoff } from './compute-backoff.js';
import { errorFromResponse } from './error-from-response.js';
import type {
  HttpClient,
  HttpClientOptions,
  HttpResponse,
  RequestOptions,
  SchemaOutput,
} from './http-types.js';
import { createRedactingLogger, type Logger, silentLogger } from './logger.js';
import { MAX_ERROR_BODY_BYTES, readBodyText } from './read-body.js';
import { buildUrl, pathOf } from './request-url.js';
import { isRetryableCall, resolveRetryPolicy } from './retry-policy.js';
import { SecretStore } from './secret-store.js';
import { streamSSE } from './sse-stream.js';
import type { SSEEventSchemas, SSEOptions, SSEStream } from './sse-types.js';
import { buildUserAgent } from './user-agent.js';
import { validateResponse } from './validate-response.js';

/** Abort reasons we set ourselves, told apart from a caller's reason by identity. */
const TOTAL_TIMEOUT = Symbol('uplink.totalTimeout');
const ATTEMPT_TIMEOUT = Symbol('uplink.attemptTimeout');
const CLIENT_CLOSED = Symbol('uplink.clientClosed');

type Mode = 'json' | 'raw' | 'stream';

interface SendOptions extends RequestOptions {
  accept?: string | undefined;
  /** The SSE stream's own signal (stream mode): cleanup runs when it aborts. */
  streamSignal?: AbortSignal | undefined;
}

interface Sent {
  response: Response;
  url: string;
  text: string;
  cleanup: () => void;
  mapError: (error: unknown) => unknown;
}

class UplinkHttpClient implements HttpClient {
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly #options: HttpClientOptions;
  readonly #secrets: SecretStore;
  readonly #userAgent: string | undefined;
  readonly #closed = new AbortController();
  readonly #debug: boolean;

  constructor(options: HttpClientOptions) {
    validateClientOptions(options);
    this.#options = options;
    this.baseUrl = options.baseUrl;
    this.#secrets = new SecretStore(options.secrets, options.headers);
    this.logger = createRedactingLogger(options.logger ?? silentLogger, () =>
      this.#secrets.values(),
    );
    this.#debug = this.logger !== silentLogger;
    this.#userAgent = buildUserAgent(options.sdk, options.userAgent);
  }

  async request<S extends GenericSchema | null>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<HttpResponse<SchemaOutput<S>>> {
    const upper = method.toUpperCase();
    const sent = await this.#send(upper, path, options, 'json');
    const { response } = sent;
    const requestId = response.headers.get('x-request-id') ?? undefined;
    const data = validateResponse(schema, sent.text, {
      method: upper,
      url: redactUrl(sent.url, this.#secrets.values()),
      path: pathOf(sent.url),
      status: response.status,
      requestId,
      contentType: response.headers.get('content-type'),
      secrets: this.#secrets.values(),
    }) as SchemaOutput<S>;
    return {
      data,
      status: response.status,
      headers: response.headers,
      requestId,
      correlationId: response.headers.get('x-correlation-id') ?? undefined,
    };
  }

  async get<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return (await this.request('GET', path, schema, options)).data;
  }
  async post<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return (await this.request('POST', path, schema, options)).data;
  }
  async put<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return (await this.request('PUT', path, schema, options)).data;
  }
  async patch<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return (await this.request('PATCH', path, schema, options)).data;
  }
  async delete<S extends GenericSchema | null>(path: string, schema: S, options?: RequestOptions) {
    return (await this.request('DELETE', path, schema, options)).data;
  }

  async raw(
    method: string,
    path: string,
    options: RequestOptions & { accept?: string | undefined } = {},
  ): Promise<Response> {
    const sent = await this.#send(method.toUpperCase(), path, options, 'raw');
    return bodyWithCleanup(sent.response, sent.cleanup, sent.mapError);
  }

  streamSSE<E extends SSEEventSchemas>(
    path: string,
    options: SSEOptions<E> & RequestOptions & { method?: string | undefined },
  ): SSEStream<E> {
    const { method = 'GET', signal, headers, ...rest } = options;
    const upper = method.toUpperCase();
    return streamSSE<E>(
      async ({ signal: streamSignal, lastEventId }) => {
        const sent = await this.#send(
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
        return sent.response;
      },
      {
        ...rest,
        signal,
        logger: options.logger ?? this.logger,
        secrets: () => this.#secrets.values(),
        url: redactUrl(buildUrl(this.baseUrl, path, rest.query), this.#secrets.values()),
      },
    );
  }

  async close(): Promise<void> {
    this.#closed.abort(CLIENT_CLOSED);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The retry loop shared by every call. */
  async #send(method: string, path: string, options: SendOptions, mode: Mode): Promise<Sent> {
    const url = buildUrl(this.baseUrl, path, options.query);
    const shownUrl = (): string => redactUrl(url, this.#secrets.values());
    const policy = resolveRetryPolicy(this.#options.retry, options.retry);
    const maxRetries = isRetryableCall(method, options) ? policy.maxRetries : 0;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 30_000;
    const totalTimeoutMs = this.#options.totalTimeoutMs;
    const deadline = totalTimeoutMs === undefined ? undefined : Date.now() + totalTimeoutMs;

    const total = new AbortController();
    const call = anySignal([
      this.#closed.signal,
      this.#options.signal,
      options.signal,
      options.streamSignal,
      total.signal,
    ]);
    const totalTimer =
      totalTimeoutMs === undefined
        ? undefined
        : setTimeout(() => total.abort(TOTAL_TIMEOUT), totalTimeoutMs);
    let cleaned = false;
    let keptLink: (() => void) | undefined;
    const cleanup = (): void => {
      if (cleaned) return;
      cleaned = true;
      clearTimeout(totalTimer);
      keptLink?.();
      call.dispose();
      options.streamSignal?.removeEventListener('abort', cleanup);
    };
    const context = { method, url: '' };
    const mapAbort = (reason: unknown, cause?: unknown): UplinkError => {
      context.url = shownUrl();
      const where = `${method} ${pathOf(context.url)}`;
      if (reason === TOTAL_TIMEOUT) {
        return new TimeoutError(
          `${where} did not complete within the total timeout of ${totalTimeoutMs} ms`,
          {
            ...context,
            timeout: 'total',
            timeoutMs: totalTimeoutMs,
          },
        );
      }
      if (reason === CLIENT_CLOSED)
        return new AbortError(`${where} was aborted: the client was closed`, context);
      return new AbortError(`${where} was aborted by the caller`, {
        ...context,
        cause: cause ?? reason,
      });
    };
    const mapError = (error: unknown): unknown => {
      if (isUplinkError(error)) return error;
      if (call.signal.aborted) return mapAbort(call.signal.reason);
      context.url = shownUrl();
      return new ConnectionError(
        `${method} ${pathOf(context.url)}: the connection failed while reading the body`,
        {
          ...context,
          cause: error,
        },
      );
    };

    try {
      const idempotencyKey = options.idempotencyKey;
      for (let attempt = 0; ; attempt++) {
        if (call.signal.aborted) throw mapAbort(call.signal.reason);
        const attemptCtl = new AbortController();
        const link = anySignal([call.signal, attemptCtl.signal]);
        const attemptTimer = setTimeout(() => attemptCtl.abort(ATTEMPT_TIMEOUT), timeoutMs);
        const started = Date.now();
        let failure: UplinkError;
        try {
          const headers = await this.#headers(method, url, options, idempotencyKey);
          const response = await ky(url, {
            method,
            headers,
            body: options.body === undefined ? null : JSON.stringify(options.body),
            retry: 0,
            timeout: false,
            throwHttpErrors: false,
            signal: link.signal,
            ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
          });
          if (response.ok) {
            const text = mode === 'json' ? await response.text() : '';
            if (this.#debug) this.#logResponse(method, url, response, attempt, started);
            clearTimeout(attemptTimer);
            // A raw or streamed body still needs the caller's abort until cleanup runs.
            if (mode !== 'json') keptLink = link.dispose;
            if (mode === 'stream') {
              // Stays linked until the SSE stream ends (it always aborts its signal then).
              clearTimeout(totalTimer);
              if (options.streamSignal?.aborted) cleanup();
              else options.streamSignal?.addEventListener('abort', cleanup, { once: true });
            } else clearTimeout(totalTimer);
            return { response, url, text, cleanup, mapError };
          }
          const bodyText = await readBodyText(response, MAX_ERROR_BODY_BYTES);
          if (this.#debug) this.#logResponse(method, url, response, attempt, started);
          failure = await errorFromResponse(response, {
            method,
            url,
            secrets: this.#secrets.values(),
            bodyText,
          });
        } catch (error) {
          if (call.signal.aborted) throw mapAbort(call.signal.reason, error);
          if (isUplinkError(error)) throw error;
          context.url = shownUrl();
          const where = `${method} ${pathOf(context.url)}`;
          failure =
            attemptCtl.signal.reason === ATTEMPT_TIMEOUT
              ? new TimeoutError(`${where} timed out after ${timeoutMs} ms (one attempt)`, {
                  ...context,
                  timeout: 'attempt',
                  timeoutMs,
                })
              : new ConnectionError(
                  `${where}: could not connect or the connection dropped (${describe(error)})`,
                  {
                    ...context,
                    cause: unwrapKyError(error),
                  },
                );
        } finally {
          clearTimeout(attemptTimer);
          if (keptLink !== link.dispose) link.dispose();
        }

        const delayMs = this.#retryDelay(failure, attempt, maxRetries, policy, deadline);
        if (delayMs === undefined) throw failure;
        if (this.#debug) {
          this.logger.debug('http retry', {
            method,
            url: shownUrl(),
            attempt: attempt + 1,
            nextAttempt: attempt + 2,
            delayMs,
            reason: failure.message,
          });
        }
        await wait(delayMs, call.signal).catch(() => {
          throw mapAbort(call.signal.reason);
        });
      }
    } catch (error) {
      cleanup();
      throw error;
    } finally {
      if (mode === 'json') cleanup();
    }
  }

  /** The wait before the next attempt, or `undefined` when the failure must be thrown. */
  #retryDelay(
    failure: UplinkError,
    attempt: number,
    maxRetries: number,
    policy: ReturnType<typeof resolveRetryPolicy>,
    deadline: number | undefined,
  ): number | undefined {
    if (attempt >= maxRetries) return undefined;
    let delayMs: number;
    if (failure instanceof ApiError) {
      if (!policy.statuses.has(failure.status) || failure.retriable === false) return undefined;
      const hint = failure.retryAfterMs;
      if (hint !== undefined && hint > policy.maxRetryDelayMs) return undefined;
      delayMs = hint ?? computeBackoff(attempt, policy);
    } else if (failure instanceof ConnectionError || failure instanceof TimeoutError) {
      delayMs = computeBackoff(attempt, policy);
    } else return undefined;
    // A wait that would outlast the total timeout only turns a clear error into a timeout.
    if (deadline !== undefined && Date.now() + delayMs >= deadline) return undefined;
    return delayMs;
  }

  async #headers(
    method: string,
    url: string,
    options: SendOptions,
    idempotencyKey: string | undefined,
  ): Promise<Headers> {
    const headers = new Headers({ accept: options.accept ?? 'application/json' });
    if (this.#userAgent) headers.set('user-agent', this.#userAgent);
    for (const [name, value] of Object.entries(this.#options.headers ?? {}))
      headers.set(name, value);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    if (options.body !== undefined) headers.set('content-type', 'application/json');
    if (idempotencyKey !== undefined) headers.set('idempotency-key', idempotencyKey);
    if (this.#options.auth) {
      const credentials = await this.#options.auth({ url, method });
      for (const [name, value] of Object.entries(credentials)) {
        this.#secrets.addCredential(value);
        headers.set(name, value);
      }
    }
    return headers;
  }

  #logResponse(
    method: string,
    url: string,
    response: Response,
    attempt: number,
    started: number,
  ): void {
    this.logger.debug('http response', {
      method,
      url: redactUrl(url, this.#secrets.values()),
      status: response.status,
      attempt: attempt + 1,
      durationMs: Date.now() - started,
      requestId: response.headers.get('x-request-id') ?? undefined,
      correlationId: response.headers.get('x-correlation-id') ?? undefined,
    });
  }
}

/** sleep() without allocating an AbortError per retry; the caller maps the abort. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** ky wraps network failures in its own NetworkError; keep the runtime's error as the cause. */
function unwrapKyError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'NetworkError' && error.cause !== undefined)
    return error.cause;
  return error;
}

function describe(error: unknown): string {
  const inner = unwrapKyError(error);
  if (!(inner instanceof Error)) return String(inner);
  const code =
    (inner.cause as { code?: unknown } | undefined)?.code ?? (inner as { code?: unknown }).code;
  return typeof code === 'string' ? `${inner.message}: ${code}` : inner.message;
}

/**
 * A typed JSON client over one base URL: retries with backoff and server hints, per-attempt
 * and total timeouts, leak-free abort, errors mapped to the `ApiError` family, SSE, and
 * redacted debug logging. Throws `ConfigurationError` for invalid options.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new UplinkHttpClient(options);
}
