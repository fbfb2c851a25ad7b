// The HTTP/1.1 client behind downloadFile: one GET per connection over node:net or node:tls,
// reading into one reused buffer (the `onread` option) so a multi-gigabyte body allocates no
// memory per read. `fetch` allocates a buffer for every read and frees it only when garbage
// collection runs, which kept about 100 MB of dead buffers alive during a download.
import type { Socket } from 'node:net';
import {
  DEFAULT_TIMEOUTS,
  type HttpGetOptions,
  type HttpGetTimeouts,
  openSocket,
  requestText,
} from './download-request.js';
import {
  type BodySink,
  copyOf,
  type DownloadResponse,
  streamedResponse,
} from './download-response.js';
import {
  BodyDecoder,
  type BodyFraming,
  bodyFraming,
  HttpProtocolError,
  headEnd,
  MAX_HEAD_BYTES,
  parseResponseHead,
  type ResponseHead,
} from './http1-response.js';

/**
 * GET `url` over HTTP/1.1 (`Connection: close`, `Accept-Encoding: identity`), resolving once
 * the response head has arrived; the body is read by `pipeTo`. Interim 1xx responses are
 * skipped. Malformed responses reject with {@link HttpProtocolError}; connection failures,
 * timeouts and aborts with an `Error` whose `cause` is the socket's error.
 */
export function httpGet(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal | undefined,
  options: HttpGetOptions = {},
): Promise<DownloadResponse> {
  const target = new URL(url);
  if (target.username || target.password) {
    return Promise.reject(new Error('a URL with credentials cannot be downloaded'));
  }
  if (signal?.aborted) return Promise.reject(new Error('aborted', { cause: signal.reason }));
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  return new Promise((resolve, reject) => {
    new Http1Get(target, headers, signal, timeouts, options.ca, resolve, reject);
  });
}

type State = 'head' | 'ready' | 'body' | 'done' | 'failed';

class Http1Get implements DownloadResponse {
  status = 0;
  headers = new Headers();
  #statusText = '';
  readonly #socket: Socket;
  readonly #timeouts: HttpGetTimeouts;
  readonly #signal: AbortSignal | undefined;
  readonly #where: string;
  #state: State = 'head';
  #paused = false;
  /** The sink is working asynchronously on earlier bytes. */
  #busy = false;
  /** Body bytes not handed to the sink yet (own copies), oldest first. */
  #backlog: Uint8Array[] = [];
  /** The server ended the connection; what was read may still be on its way to the sink. */
  #ended = false;
  #headBytes: Buffer = Buffer.alloc(0);
  #body = new BodyDecoder({ kind: 'none' });
  #sink: BodySink | undefined;
  #settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #onHead: { resolve: (response: DownloadResponse) => void; reject: (error: Error) => void };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #error: Error | undefined;
  readonly #onAbort = (): void => this.#fail(new Error('aborted', { cause: this.#signal?.reason }));

  constructor(
    url: URL,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    timeouts: HttpGetTimeouts,
    ca: string | Buffer | undefined,
    resolve: (response: DownloadResponse) => void,
    reject: (error: Error) => void,
  ) {
    this.#timeouts = timeouts;
    this.#signal = signal;
    this.#onHead = { resolve, reject };
    const secure = url.protocol === 'https:';
    const { socket, where } = openSocket(url, ca, (bytes) => this.#onRead(bytes));
    this.#socket = socket;
    this.#where = where;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#arm(
      timeouts.connectMs,
      `no connection to ${this.#where} within ${timeouts.connectMs} ms`,
    );
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      this.#arm(
        timeouts.headMs,
        `no response head from ${this.#where} within ${timeouts.headMs} ms`,
      );
      socket.write(requestText(url, headers));
    });
    socket.on('error', (error) => this.#fail(new Error(error.message, { cause: error })));
    socket.on('end', () => this.#onEnd());
    socket.on('close', () => this.#onEnd());
    socket.on('timeout', () =>
      this.#fail(new Error(`no data from ${this.#where} for ${timeouts.idleMs} ms`)),
    );
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  pipeTo(sink: BodySink): Promise<void> {
    if (this.#sink) return Promise.reject(new Error('the body is already being read'));
    this.#sink = sink;
    if (this.#state === 'failed') return Promise.reject(this.#error);
    if (this.#state === 'done') return Promise.resolve();
    const settled = new Promise<void>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.#state = 'body';
    // Reset by every read; runs out only when nothing arrives for idleMs.
    this.#socket.setTimeout(this.#timeouts.idleMs);
    this.#drain();
    return settled;
  }

  async cancel(): Promise<void> {
    if (this.#state === 'done' || this.#state === 'failed') return;
    this.#finish();
  }

  toResponse(): Response {
    return streamedResponse(this, {
      status: this.status,
      statusText: this.#statusText,
      headers: this.headers,
    });
  }

  #onRead(bytes: Uint8Array): void {
    if (this.#state === 'head') {
      this.#readHead(bytes);
    } else if (this.#state === 'body' && !this.#busy && this.#backlog.length === 0) {
      // The common case: straight from the read buffer to the sink, no copy.
      this.#consume(bytes)?.then(
        () => this.#drain(),
        (error: unknown) => this.#fail(error as Error),
      );
    } else if (this.#state === 'ready' || this.#state === 'body') {
      // Read while the body waits (for pipeTo, or for the sink): keep a copy, in order.
      this.#backlog.push(copyOf(bytes));
      this.#pause();
    }
  }

  /** Hand queued bytes to the sink in order, then read on. */
  #drain(): void {
    while (this.#state === 'body' && !this.#busy) {
      const next = this.#backlog.shift();
      if (next === undefined) {
        if (this.#ended) this.#endOfInput();
        else this.#resume();
        return;
      }
      this.#consume(next)?.then(
        () => this.#drain(),
        (error: unknown) => this.#fail(error as Error),
      );
    }
  }

  #readHead(bytes: Uint8Array): void {
    this.#headBytes = Buffer.concat([this.#headBytes, bytes]);
    for (;;) {
      const end = headEnd(this.#headBytes);
      if (end === -1) {
        if (this.#headBytes.length > MAX_HEAD_BYTES) {
          this.#fail(new HttpProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`));
        }
        return;
      }
      let head: ResponseHead;
      let framing: BodyFraming;
      try {
        if (end > MAX_HEAD_BYTES) {
          throw new HttpProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
        }
        head = parseResponseHead(this.#headBytes.subarray(0, end));
        framing = bodyFraming(head);
      } catch (error) {
        this.#fail(error as Error);
        return;
      }
      this.#headBytes = this.#headBytes.subarray(end);
      // An interim response (100 Continue, 103 Early Hints): the real one follows.
      if (head.status < 200) {
        if (head.status === 101) {
          this.#fail(new HttpProtocolError('the server switched protocols'));
          return;
        }
        continue;
      }
      this.status = head.status;
      this.#statusText = head.statusText;
      this.headers = head.headers;
      this.#body = new BodyDecoder(framing);
      if (this.#headBytes.length > 0) this.#backlog.push(this.#headBytes);
      this.#headBytes = Buffer.alloc(0);
      this.#disarm();
      // Nothing more is read until pipeTo (or cancel) says what to do with the body.
      this.#pause();
      this.#state = 'ready';
      if (this.#body.done) this.#finish();
      this.#onHead.resolve(this);
      return;
    }
  }

  /**
   * Hand the body bytes in `bytes` to the sink. Returns a promise only when the sink works
   * asynchronously: reading is paused, and the rest of `bytes` (which may be the reused read
   * buffer) is copied before the wait.
   */
  #consume(bytes: Uint8Array): Promise<void> | undefined {
    let pos = 0;
    while (this.#state === 'body') {
      const step = this.#body.next(bytes, pos, bytes.length);
      if (step.kind === 'more') return undefined;
      if (step.kind === 'done') {
        this.#finish();
        return undefined;
      }
      pos = step.end;
      const pending =
        step.end > step.start
          ? (this.#sink as BodySink)(bytes.subarray(step.start, step.end))
          : undefined;
      if (pending) {
        this.#pause();
        this.#busy = true;
        const rest = copyOf(bytes.subarray(pos));
        return pending.then(() => {
          this.#busy = false;
          return this.#consume(rest);
        });
      }
    }
    return undefined;
  }

  #pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  #resume(): void {
    if (this.#state !== 'body' || !this.#paused) return;
    this.#paused = false;
    this.#socket.resume();
  }

  #onEnd(): void {
    if (this.#state === 'done' || this.#state === 'failed') return;
    this.#ended = true;
    // Bytes read before the end still go to the sink first; #drain decides afterwards.
    if (this.#state === 'ready' || this.#busy || this.#backlog.length > 0) return;
    this.#endOfInput();
  }

  /** No byte will come any more, and every byte read was handed over. */
  #endOfInput(): void {
    if (this.#state === 'body' && this.#body.endsWithConnection) {
      this.#finish();
      return;
    }
    const what =
      this.#state === 'head'
        ? 'before the response head was complete'
        : `after ${this.#body.describe()}`;
    this.#fail(new Error(`${this.#where} closed the connection ${what}`));
  }

  #finish(): void {
    this.#state = 'done';
    this.#cleanup();
    this.#settle?.resolve();
  }

  #fail(error: Error): void {
    if (this.#state === 'done' || this.#state === 'failed') return;
    this.#state = 'failed';
    this.#error = error;
    this.#cleanup();
    this.#onHead.reject(error);
    this.#settle?.reject(error);
  }

  #cleanup(): void {
    this.#disarm();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#socket.destroy();
  }

  #arm(ms: number, message: string): void {
    this.#disarm();
    this.#timer = setTimeout(() => this.#fail(new Error(message)), ms);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
