// docs/protocols/agent-sdk.md §1.10 and §1.12: one authenticated gateway connection. Requests
// are matched by `request_id`, the client pings (the server never does) and watches for silence.
import {
  AbortError,
  ConnectionError,
  parseWire,
  redactText,
  redactUrl,
  TimeoutError,
} from '@uplink/core-schemas';
import {
  GatewayErrorPayloadSchema,
  type GatewayServerFrame,
  type StreamEnvelope,
  StreamEnvelopeSchema,
} from '@uplink/core-schemas/agent-sdk';
import { randomUuid } from '@uplink/http';
import { GatewayError } from './gateway-error.js';
import { parseFrame, safeClose } from './gateway-frame.js';
import { authenticate } from './gateway-handshake.js';
import type { ResolvedGatewayOptions, WebSocketLike } from './gateway-options.js';

/** What a connection reports to its owner. */
export interface GatewaySocketHandlers {
  /** An `event` frame's envelope. */
  onEvent(envelope: StreamEnvelope): void;
  /** An `event` frame whose envelope does not validate (`runId` when the payload names one). */
  onBadEvent(runId: string | undefined, error: Error): void;
  /** An `error` frame no pending request claims (`request_id` null or unknown). */
  onUnclaimedError(error: GatewayError): void;
  /** A frame that cannot be read at all. */
  onBadFrame(error: Error): void;
  /** The connection ended without `close()` (dropped, or dead by the liveness check). */
  onClose(error: Error): void;
}

interface Pending {
  type: string;
  resolve(payload: Record<string, unknown>): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
  unlink: () => void;
}

const OPEN = 1;

/** One gateway connection, authenticated before it is handed out. */
export class GatewaySocket {
  readonly #options: ResolvedGatewayOptions;
  readonly #handlers: GatewaySocketHandlers;
  readonly #ws: WebSocketLike;
  readonly #pending = new Map<string, Pending>();
  readonly #url: string;
  /** The key sent in `auth`, scrubbed from any server text that echoes it. */
  readonly #apiKey: string;
  #tick: ReturnType<typeof setInterval> | undefined;
  #lastFrameAt = Date.now();
  #lastPingAt = Date.now();
  #closed = false;

  private constructor(
    options: ResolvedGatewayOptions,
    handlers: GatewaySocketHandlers,
    ws: WebSocketLike,
    apiKey: string,
  ) {
    this.#options = options;
    this.#handlers = handlers;
    this.#ws = ws;
    this.#url = redactUrl(options.url);
    this.#apiKey = apiKey;
  }
  /**
   * Open a socket and authenticate (see gateway-handshake.ts): the first frame the server sends
   * decides, and anything but an `ack` to our `auth` closes the socket and rejects.
   */
  static async open(
    options: ResolvedGatewayOptions,
    apiKey: string,
    handlers: GatewaySocketHandlers,
    signal: AbortSignal,
  ): Promise<GatewaySocket> {
    const ws = await authenticate(options, apiKey, signal);
    const socket = new GatewaySocket(options, handlers, ws, apiKey);
    socket.#start();
    return socket;
  }

  readonly #redact = (text: string): string => redactText(text, [this.#apiKey]);

  /** Whether the socket is open and not closed by us. */
  get open(): boolean {
    return !this.#closed && this.#ws.readyState === OPEN;
  }

  /**
   * Send a frame and wait for the reply with the same `request_id` (an `ack` or `pong` payload).
   * An `error` reply rejects with {@link GatewayError}; no reply within `timeoutMs` with
   * `TimeoutError`; a dropped connection with `ConnectionError`.
   */
  request(
    type: string,
    payload: Record<string, unknown>,
    options: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined } = {},
  ): Promise<Record<string, unknown>> {
    if (this.#closed)
      return Promise.reject(
        new ConnectionError('The gateway connection is closed', { url: this.#url }),
      );
    const requestId = randomUuid();
    const timeoutMs = options.timeoutMs ?? this.#options.requestTimeoutMs;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = (): void => {
        this.#settle(requestId)?.reject(
          new AbortError(`The gateway ${type} request was aborted`, { cause: signal?.reason }),
        );
      };
      const pending: Pending = {
        type,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(requestId)?.reject(
            new TimeoutError(`The gateway did not answer a ${type} frame within ${timeoutMs} ms`, {
              timeout: 'attempt',
              timeoutMs,
              url: this.#url,
            }),
          );
        }, timeoutMs),
        unlink: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#pending.set(requestId, pending);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#send(type, requestId, payload);
    });
  }

  /** Send a frame without waiting for its reply (its reply is ignored). */
  notify(type: string, payload: Record<string, unknown>): void {
    if (!this.#closed) this.#send(type, randomUuid(), payload);
  }

  /** Close the socket; pending requests reject with `AbortError`. Idempotent. */
  close(code = 1000, reason = 'client closed'): void {
    this.#shutdown(new AbortError('The gateway connection was closed'));
    safeClose(this.#ws, code, reason);
  }

  #send(type: string, requestId: string, payload: Record<string, unknown>): void {
    try {
      this.#ws.send(
        JSON.stringify({
          type,
          request_id: requestId,
          timestamp: new Date().toISOString(),
          payload,
        }),
      );
    } catch (error) {
      this.#settle(requestId)?.reject(
        new ConnectionError(`Could not send a ${type} frame: ${(error as Error).message}`, {
          url: this.#url,
          cause: error,
        }),
      );
    }
  }

  #settle(requestId: string): Pending | undefined {
    const pending = this.#pending.get(requestId);
    if (!pending) return undefined;
    this.#pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.unlink();
    return pending;
  }

  #start(): void {
    this.#ws.addEventListener('message', this.#onMessage);
    this.#ws.addEventListener('close', this.#onClose);
    this.#ws.addEventListener('error', this.#onError);
    const tickMs = Math.min(this.#options.pingIntervalMs, this.#options.livenessTimeoutMs);
    this.#lastFrameAt = Date.now();
    this.#lastPingAt = Date.now();
    this.#tick = setInterval(() => this.#heartbeat(), tickMs);
  }

  #heartbeat(): void {
    const now = Date.now();
    if (now - this.#lastFrameAt >= this.#options.livenessTimeoutMs) {
      const error = new TimeoutError(
        `The gateway sent nothing for ${this.#options.livenessTimeoutMs} ms, pongs included: the connection is presumed dead`,
        { timeout: 'idle', timeoutMs: this.#options.livenessTimeoutMs, url: this.#url },
      );
      this.#shutdown(error);
      safeClose(this.#ws, 4000, 'liveness timeout');
      this.#handlers.onClose(error);
      return;
    }
    if (now - this.#lastPingAt >= this.#options.pingIntervalMs) {
      this.#lastPingAt = now;
      this.request('ping', {}).catch(() => {
        // A missing pong is judged by the liveness check, not here.
      });
    }
  }

  readonly #onMessage = (event: { data: unknown }): void => {
    this.#lastFrameAt = Date.now();
    let frame: GatewayServerFrame;
    try {
      frame = parseFrame(event.data, this.#options.maxFrameBytes, this.#redact);
    } catch (error) {
      this.#handlers.onBadFrame(error as Error);
      return;
    }
    const requestId = frame.request_id ?? undefined;
    switch (frame.type) {
      case 'event': {
        let envelope: StreamEnvelope;
        try {
          envelope = parseWire(StreamEnvelopeSchema, frame.payload, 'gateway event');
        } catch (error) {
          const runId = frame.payload.run_id;
          this.#handlers.onBadEvent(typeof runId === 'string' ? runId : undefined, error as Error);
          return;
        }
        this.#handlers.onEvent(envelope);
        return;
      }
      case 'ack':
      case 'pong': {
        if (requestId !== undefined) this.#settle(requestId)?.resolve(frame.payload);
        return;
      }
      case 'error': {
        let error: GatewayError;
        try {
          const payload = parseWire(
            GatewayErrorPayloadSchema,
            frame.payload,
            'gateway error frame',
          );
          const pending = requestId === undefined ? undefined : this.#pending.get(requestId);
          error = new GatewayError(
            `The gateway answered${pending ? ` a ${pending.type} frame` : ''} with ${payload.code}: ${this.#redact(payload.message)}`,
            { code: payload.code, requestId, frameType: pending?.type },
          );
        } catch (problem) {
          this.#handlers.onBadFrame(problem as Error);
          return;
        }
        const pending = requestId === undefined ? undefined : this.#settle(requestId);
        if (pending) pending.reject(error);
        else this.#handlers.onUnclaimedError(error);
        return;
      }
      default:
        // Unknown frame types are ignored (tolerant reader).
        return;
    }
  };

  readonly #onClose = (event: { code?: number; reason?: string }): void => {
    if (this.#closed) return;
    const error = new ConnectionError(
      `The gateway connection closed (code ${event.code ?? 'unknown'}${event.reason ? `: ${event.reason}` : ''})`,
      { url: this.#url },
    );
    this.#shutdown(error);
    this.#handlers.onClose(error);
  };

  readonly #onError = (): void => {
    // A 'close' event follows every 'error'; the close handler reports it.
  };

  #shutdown(error: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    this.#tick = undefined;
    this.#ws.removeEventListener('message', this.#onMessage);
    this.#ws.removeEventListener('close', this.#onClose);
    this.#ws.removeEventListener('error', this.#onError);
    for (const requestId of [...this.#pending.keys()]) this.#settle(requestId)?.reject(error);
  }
}
