import {
  AbortError,
  ConnectionError,
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
    return new ConnectionError(
      `${where}: could not connect or the connection dropped (${describe(error)})`,
      { ...context, cause: unwrapKyError(error) },
    );
  }

  /** The connection failed while a raw body was being read. */
  droppedBody(error: unknown): UplinkError {
    const { where, ...context } = this.#context();
    return new ConnectionError(`${where}: the connection failed while reading the body`, {
      ...context,
      cause: error,
    });
  }
}
