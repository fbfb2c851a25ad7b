import { UplinkError, type UplinkErrorOptions } from './uplink-error.js';

/** Where a request stood when it failed, for errors raised before any response. */
export interface RequestContext extends UplinkErrorOptions {
  /** HTTP method. */
  method?: string | undefined;
  /** Redacted request URL. */
  url?: string | undefined;
}

/** The request never got a response: DNS, refused or reset connection, TLS, a dropped socket. */
export class ConnectionError extends UplinkError {
  static override readonly errorName: string = 'ConnectionError';
  /** HTTP method. */
  readonly method: string | undefined;
  /** Redacted request URL. */
  readonly url: string | undefined;
  constructor(message: string, context: RequestContext = {}) {
    super(message, context);
    this.method = context.method;
    this.url = context.url;
  }
}

/** Which timeout fired: one attempt, the whole call across retries, or a silent stream. */
export type TimeoutKind = 'attempt' | 'total' | 'idle' | 'wait';

/** A timeout fired. `timeout` says which one, `timeoutMs` its configured length. */
export class TimeoutError extends UplinkError {
  static override readonly errorName: string = 'TimeoutError';
  /** Which timeout fired. */
  readonly timeout: TimeoutKind;
  /** The configured length of that timeout, in milliseconds. */
  readonly timeoutMs: number | undefined;
  /** HTTP method, when the timeout hit a request. */
  readonly method: string | undefined;
  /** Redacted request URL, when the timeout hit a request. */
  readonly url: string | undefined;
  constructor(
    message: string,
    context: RequestContext & { timeout: TimeoutKind; timeoutMs?: number | undefined },
  ) {
    super(message, context);
    this.timeout = context.timeout;
    this.timeoutMs = context.timeoutMs;
    this.method = context.method;
    this.url = context.url;
  }
}

/** The caller aborted the operation through its `AbortSignal`. Never retried. */
export class AbortError extends UplinkError {
  static override readonly errorName: string = 'AbortError';
  /** HTTP method, when a request was aborted. */
  readonly method: string | undefined;
  /** Redacted request URL, when a request was aborted. */
  readonly url: string | undefined;
  constructor(message = 'The operation was aborted', context: RequestContext = {}) {
    super(message, context);
    this.method = context.method;
    this.url = context.url;
  }
}
