// One request end to end: the retry loop, timeouts, abort wiring, idempotency keys, redacted
// logging and the User-Agent.
import {
  ConfigurationError,
  isUplinkError,
  redactUrl,
  type UplinkError,
} from '@uplink/core-schemas';
import { ATTEMPT_TIMEOUT, CallErrors, CLIENT_CLOSED, TOTAL_TIMEOUT } from './call-errors.js';
import { CallSignals } from './call-signals.js';
import { validateRequestOptions } from './client-options.js';
import { encodeBody } from './encode-body.js';
import { errorFromResponse } from './error-from-response.js';
import type { HttpClientOptions, RequestOptions } from './http-types.js';
import { createRedactingLogger, type Logger, silentLogger } from './logger.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  MAX_ERROR_BODY_BYTES,
  readBodyText,
  readLimitedText,
} from './read-body.js';
import { buildUrl } from './request-url.js';
import {
  isRetryableCall,
  type ResolvedRetryPolicy,
  resolveRetryPolicy,
  retryDelayFor,
} from './retry-policy.js';
import { SecretStore } from './secret-store.js';
import { sendRequest } from './send-request.js';
import { buildUserAgent } from './user-agent.js';

/** How the body of a successful response is handled. */
export type Mode = 'json' | 'raw' | 'stream';

/** Options of one send: the call's options plus transport-only ones. */
export interface SendOptions extends RequestOptions {
  accept?: string | undefined;
  /** The SSE stream's own signal (stream mode): cleanup runs when it aborts. */
  streamSignal?: AbortSignal | undefined;
}

/** A successful response and how to release what the call holds. */
export interface Sent {
  response: Response;
  url: string;
  /** The body text (json mode), else `''`. */
  text: string;
  /** Remove the call's listeners and timers (raw and stream modes call it when the body ends). */
  cleanup: () => void;
  /** Turn a body-read failure into our error family. */
  mapError: (error: unknown) => unknown;
}

/**
 * The retry loop, timeouts, abort wiring, headers and logging behind every `HttpClient` call.
 * One per client; it also owns the client's secrets (for redaction) and its in-flight calls.
 */
export class Transport {
  readonly logger: Logger;
  readonly secrets: SecretStore;
  readonly #options: HttpClientOptions;
  readonly #inflight = new Set<CallSignals>();
  readonly #baseHeaders: Record<string, string>;
  readonly #policy: ResolvedRetryPolicy;
  readonly #debug: boolean;
  #closed = false;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.secrets = new SecretStore(options.secrets, options.headers);
    this.logger = createRedactingLogger(options.logger ?? silentLogger, () =>
      this.secrets.values(),
    );
    this.#debug = this.logger !== silentLogger;
    this.#policy = resolveRetryPolicy(options.retry, undefined);
    this.#baseHeaders = { accept: 'application/json' };
    const userAgent = buildUserAgent(options.sdk, options.userAgent);
    if (userAgent) this.#baseHeaders['user-agent'] = userAgent;
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      this.#baseHeaders[name.toLowerCase()] = value;
    }
  }

  /** Abort every call in flight with `AbortError`, and every later one. */
  close(): void {
    this.#closed = true;
    for (const call of this.#inflight) call.abort(CLIENT_CLOSED);
    this.#inflight.clear();
  }

  /** The retry loop shared by every call. */
  async send(method: string, path: string, options: SendOptions, mode: Mode): Promise<Sent> {
    const url = buildUrl(this.#options.baseUrl, path, options.query);
    const policy =
      options.retry === undefined
        ? this.#policy
        : resolveRetryPolicy(this.#options.retry, options.retry);
    const maxRetries = isRetryableCall(method, options) ? policy.maxRetries : 0;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 30_000;
    const maxResponseBytes =
      options.maxResponseBytes ?? this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const totalTimeoutMs = this.#options.totalTimeoutMs;
    // Monotonic: a wall-clock step (NTP, a VM resume) must not end or stretch the deadline.
    const deadline = totalTimeoutMs === undefined ? undefined : performance.now() + totalTimeoutMs;
    if (
      options.timeoutMs !== undefined ||
      options.retry !== undefined ||
      options.maxResponseBytes !== undefined ||
      options.headers !== undefined ||
      options.signal !== undefined
    ) {
      validateRequestOptions(options);
    }
    const body = encodeBody(options.body);

    const call = new CallSignals(this.#options.signal, options.signal, options.streamSignal);
    if (this.#closed) call.abort(CLIENT_CLOSED);
    this.#inflight.add(call);
    const totalTimer =
      totalTimeoutMs === undefined
        ? undefined
        : setTimeout(() => call.abort(TOTAL_TIMEOUT), totalTimeoutMs);
    let cleaned = false;
    const cleanup = (): void => {
      if (cleaned) return;
      cleaned = true;
      clearTimeout(totalTimer);
      call.dispose();
      this.#inflight.delete(call);
      options.streamSignal?.removeEventListener('abort', cleanup);
    };

    let keep = false;
    /** The wait before the current attempt, for its debug line. */
    let lastDelayMs = 0;
    try {
      for (let attempt = 0; ; attempt++) {
        if (call.aborted) throw this.#errors(method, url, totalTimeoutMs).aborted(call.reason);
        const controller = call.next();
        const attemptTimer = setTimeout(() => controller.abort(ATTEMPT_TIMEOUT), timeoutMs);
        const started = this.#debug ? performance.now() : 0;
        if (this.#debug) {
          this.logger.debug('http attempt', {
            method,
            url: this.#errors(method, url, totalTimeoutMs).url(),
            attempt: attempt + 1,
            delayMs: lastDelayMs,
          });
        }
        let failure: UplinkError;
        try {
          const headers = this.#options.auth
            ? await this.#headersWithAuth(method, url, options).catch((error: unknown) => {
                throw new AuthFailure(error);
              })
            : this.#headers(options);
          const response = await sendRequest({
            url,
            method,
            headers,
            body,
            signal: controller.signal,
            fetch: this.#options.fetch,
          });
          if (response.ok) {
            const text =
              mode === 'json'
                ? await readLimitedText(
                    response,
                    maxResponseBytes,
                    (declared) =>
                      this.#errors(method, url, totalTimeoutMs).tooLarge(
                        maxResponseBytes,
                        response,
                        declared,
                      ),
                    this.#options.fetch === undefined,
                  )
                : '';
            if (this.#debug) this.#logResponse(method, url, response, attempt, started);
            clearTimeout(attemptTimer);
            if (mode !== 'json') {
              // The body is still being read: keep the caller's abort linked until cleanup.
              keep = true;
              clearTimeout(totalTimer);
              const streamSignal = options.streamSignal;
              if (streamSignal?.aborted) cleanup();
              else streamSignal?.addEventListener('abort', cleanup, { once: true });
            }
            const mapError =
              mode === 'json'
                ? unused
                : (error: unknown): unknown =>
                    isUplinkError(error)
                      ? error
                      : call.aborted
                        ? this.#errors(method, url, totalTimeoutMs).aborted(call.reason, error)
                        : this.#errors(method, url, totalTimeoutMs).droppedBody(error);
            return { response, url, text, cleanup, mapError };
          }
          const bodyText = await readBodyText(response, MAX_ERROR_BODY_BYTES);
          if (this.#debug) this.#logResponse(method, url, response, attempt, started);
          failure = await errorFromResponse(response, {
            method,
            url,
            secrets: this.secrets.values(),
            bodyText,
          });
        } catch (error) {
          if (call.aborted)
            throw this.#errors(method, url, totalTimeoutMs).aborted(call.reason, error);
          // A failing auth strategy is the caller's error, not the network's: never retried.
          if (error instanceof AuthFailure) throw error.cause;
          if (isUplinkError(error)) throw error;
          failure =
            controller.signal.reason === ATTEMPT_TIMEOUT
              ? this.#errors(method, url, totalTimeoutMs).attemptTimeout(timeoutMs)
              : this.#errors(method, url, totalTimeoutMs).connection(error);
        } finally {
          clearTimeout(attemptTimer);
        }

        const delayMs = retryDelayFor(failure, attempt, maxRetries, policy, deadline);
        if (delayMs === undefined) throw failure;
        lastDelayMs = delayMs;
        if (this.#debug) {
          this.logger.debug('http retry', {
            method,
            url: this.#errors(method, url, totalTimeoutMs).url(),
            attempt: attempt + 1,
            nextAttempt: attempt + 2,
            delayMs,
            reason: failure.message,
          });
        }
        await wait(delayMs, call.next().signal).catch(() => {
          throw this.#errors(method, url, totalTimeoutMs).aborted(call.reason);
        });
      }
    } finally {
      if (!keep) cleanup();
    }
  }

  /** The call's transport errors: stateless, built only on a failure (or a debug line). */
  #errors(method: string, url: string, totalTimeoutMs: number | undefined): CallErrors {
    return new CallErrors(method, url, totalTimeoutMs, () => this.secrets.values());
  }

  /** Request headers without credentials; client headers were lower-cased once. */
  #headers(options: SendOptions): Record<string, string> {
    const headers: Record<string, string> = { ...this.#baseHeaders };
    if (options.accept) headers.accept = options.accept;
    if (options.headers) {
      for (const name in options.headers) {
        headers[name.toLowerCase()] = options.headers[name] as string;
      }
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    return headers;
  }

  /** {@link #headers} plus this attempt's credentials, which are remembered for redaction. */
  async #headersWithAuth(
    method: string,
    url: string,
    options: SendOptions,
  ): Promise<Record<string, string>> {
    const headers = this.#headers(options);
    const credentials = await this.#options.auth?.({ url, method });
    for (const name in credentials) {
      const value = credentials[name] as string;
      this.secrets.addCredential(value);
      // fetch would reject it with a message quoting the value; say what is wrong, never what it is.
      if (typeof value !== 'string' || INVALID_HEADER_VALUE.test(value)) {
        throw new ConfigurationError([
          {
            setting: `auth (${name} header)`,
            message:
              'expected a credential without line breaks, NUL or characters above U+00FF, which no HTTP header may carry',
          },
        ]);
      }
      headers[name.toLowerCase()] = value;
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
      url: redactUrl(url, this.secrets.values()),
      status: response.status,
      attempt: attempt + 1,
      durationMs: Math.round(performance.now() - started),
      requestId: response.headers.get('x-request-id') ?? undefined,
      correlationId: response.headers.get('x-correlation-id') ?? undefined,
    });
  }
}

/** `Sent.mapError` of a JSON call, whose body is already read: nothing to map. */
const unused = (error: unknown): unknown => error;

/** Characters no HTTP header value may contain. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const INVALID_HEADER_VALUE = /[\r\n\0]|[^\u0000-\u00ff]/;

/** Wraps an error thrown by the auth strategy, so it is not mistaken for a network failure. */
class AuthFailure {
  constructor(readonly cause: unknown) {}
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
