import {
  AbortError,
  ConnectionError,
  ResponseTooLargeError,
  redactText,
  redactUrl,
  TimeoutError,
  type UplinkError,
} from '@uplink/core-schemas';
import { pathOf } from './request-url.js';

/** Abort reasons the client sets itself, told apart from a caller's reason by identity. */
export const TOTAL_TIMEOUT = Symbol('uplink.totalTimeout');
/** The per-attempt timer fired. */
export const ATTEMPT_TIMEOUT = Symbol('uplink.attemptTimeout');
/** `close()` was called on the client. */
export const CLIENT_CLOSED = Symbol('uplink.clientClosed');

/** ky wraps network failures in its own NetworkError; keep the runtime's error as the cause. */
export function unwrapKyError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'NetworkError' && error.cause !== undefined) {
    return error.cause;
  }
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
 * The runtime's error as a cause, or a copy with a scrubbed message when its message shows a
 * secret (undici quotes a URL with credentials in it, for example; `redactText` redacts every
 * URL inside the text).
 */
function safeCause(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const message = redactText(error.message, secrets);
  if (message === error.message) return error;
  const copy = new Error(
    message,
    error.cause === undefined ? undefined : { cause: safeCause(error.cause, secrets) },
  );
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}

/**
 * Builds the transport errors of one call. The URL is redacted only when an error is built,
 * so a successful call never pays for it.
 */
export class CallErrors {
  constructor(
    readonly method: string,
    readonly rawUrl: string,
    readonly totalTimeoutMs: number | undefined,
    readonly secrets: () => readonly string[],
  ) {}

  /** The redacted URL. */
  url(): string {
    return redactUrl(this.rawUrl, this.secrets());
  }

  #context(): { method: string; url: string; where: string } {
    const url = this.url();
    return { method: this.method, url, where: `${this.method} ${pathOf(url)}` };
  }

  /** The call was aborted: total timeout, client closed, or the caller's signal. */
  aborted(reason: unknown, cause?: unknown): UplinkError {
    const { where, ...context } = this.#context();
    if (reason === TOTAL_TIMEOUT) {
      return new TimeoutError(
        `${where} did not complete within the total timeout of ${this.totalTimeoutMs} ms`,
        { ...context, timeout: 'total', timeoutMs: this.totalTimeoutMs },
      );
    }
    if (reason === CLIENT_CLOSED) {
      return new AbortError(`${where} was aborted: the client was closed`, context);
    }
    return new AbortError(`${where} was aborted by the caller`, {
      ...context,
      cause: reason ?? cause,
    });
  }

  /** One attempt ran out of time before its response (or JSON body) arrived. */
  attemptTimeout(timeoutMs: number): UplinkError {
    const { where, ...context } = this.#context();
    return new TimeoutError(`${where} timed out after ${timeoutMs} ms (one attempt)`, {
      ...context,
      timeout: 'attempt',
      timeoutMs,
    });
  }

  /** No response: refused, reset, DNS, TLS. */
  connection(error: unknown): UplinkError {
    const { where, ...context } = this.#context();
    const secrets = this.secrets();
    return new ConnectionError(
      `${where}: could not connect or the connection dropped (${redactText(describe(error), secrets)})`,
      { ...context, cause: safeCause(unwrapKyError(error), secrets) },
    );
  }

  /** A 2xx body over `maxResponseBytes` (declared, or found while reading). */
  tooLarge(maxBytes: number, response: Response, declaredBytes: number | undefined): UplinkError {
    const { where, ...context } = this.#context();
    const size =
      declaredBytes === undefined
        ? `a body larger than the limit of ${maxBytes} bytes`
        : `Content-Length ${declaredBytes}, over the limit of ${maxBytes} bytes`;
    return new ResponseTooLargeError(
      `${where}: the server sent ${size}; reading stopped there. Raise maxResponseBytes (for the client or this call) if a body this large is expected`,
      {
        ...context,
        maxBytes,
        declaredBytes,
        status: response.status,
        requestId: response.headers.get('x-request-id') ?? undefined,
      },
    );
  }

  /** The connection failed while a raw body was being read. */
  droppedBody(error: unknown): UplinkError {
    const { where, ...context } = this.#context();
    return new ConnectionError(`${where}: the connection failed while reading the body`, {
      ...context,
      cause: safeCause(error, this.secrets()),
    });
  }
}
