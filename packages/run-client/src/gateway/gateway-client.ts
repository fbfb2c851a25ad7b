// docs/protocols/agent-sdk.md §1.10 and §6: the WebSocket gateway, with reconnection and
// gap-free subscriptions.
import { AbortError, ConnectionError, parseWire } from '@uplink/core-schemas';
import {
  type GatewayRunAck,
  GatewayRunAckSchema,
  TaskTextSchema,
} from '@uplink/core-schemas/agent-sdk';
import {
  anySignal,
  type CombinedSignal,
  computeBackoff,
  type Logger,
  silentLogger,
  sleep,
} from '@uplink/http';
import * as v from 'valibot';
import { checkRequest } from '../request-meta.js';
import { RunStream } from '../run-stream.js';
import { GatewayError } from './gateway-error.js';
import {
  type GatewayOptions,
  type ResolvedGatewayOptions,
  resolveGatewayOptions,
} from './gateway-options.js';
import { GatewaySocket } from './gateway-socket.js';
import { GatewaySubscriptions } from './gateway-subscriptions.js';

/** A `run` request over the gateway. */
export interface GatewayRunRequest {
  /** What the agent should do. */
  task: string;
  /** An existing session to continue (an unknown id is created under that id). */
  session_id?: string | undefined;
}

/** Options of the gateway's calls. */
export interface GatewayCallOptions {
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
  /** How long to wait for the reply. @default the client's requestTimeoutMs */
  timeoutMs?: number | undefined;
}

/** Options of {@link GatewayClient.subscribe}. */
export interface GatewaySubscribeOptions {
  /** The first seq wanted (inclusive). @default 0 */
  fromSeq?: number | undefined;
  /** Stops the subscription. */
  signal?: AbortSignal | undefined;
}

const RunRequestSchema = v.strictObject({
  task: TaskTextSchema,
  session_id: v.optional(v.string()),
});

/** The auth codes after which a connection can never authenticate (§1.10). */
const AUTH_CODES = new Set(['AUTH_FAILED', 'AUTH_REQUIRED']);

/**
 * A connected, authenticated gateway client. Subscriptions are {@link RunStream}s: gap-free,
 * deduplicated by seq, ended at the terminal event, resubscribed from `lastSeq + 1` after a
 * gap, a silence or a reconnect. Create it with {@link connectGateway}.
 */
export class GatewayClient implements AsyncDisposable {
  readonly #options: ResolvedGatewayOptions;
  readonly #logger: Logger;
  readonly #onError: (error: Error) => void;
  readonly #closer = new AbortController();
  readonly #signal: CombinedSignal;
  readonly #subscriptions: GatewaySubscriptions;
  #socket: GatewaySocket | undefined;
  #connecting: Promise<GatewaySocket> | undefined;
  #closed = false;
  #reconnects = 0;

  private constructor(options: ResolvedGatewayOptions, raw: GatewayOptions) {
    this.#options = options;
    this.#logger = raw.logger ?? silentLogger;
    this.#onError =
      raw.onError ?? ((error) => this.#logger.warn('gateway problem', { error: error.message }));
    this.#signal = anySignal([raw.signal, this.#closer.signal]);
    this.#signal.signal.addEventListener('abort', () => void this.close(), { once: true });
    this.#subscriptions = new GatewaySubscriptions({
      options,
      logger: this.#logger,
      ready: () => this.#ready(),
      socket: () => this.#socket,
      closed: () => this.#closed,
    });
  }

  /** Connect and authenticate; see {@link connectGateway}. */
  static async connect(raw: GatewayOptions = {}): Promise<GatewayClient> {
    const client = new GatewayClient(resolveGatewayOptions(raw), raw);
    try {
      await client.#connect();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** Whether a connection is open now. */
  get connected(): boolean {
    return this.#socket?.open === true;
  }

  /** How many times the client has reconnected. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** `run`: start a run (org `default`); the ack carries its ids. */
  async run(request: GatewayRunRequest, options: GatewayCallOptions = {}): Promise<GatewayRunAck> {
    const body = checkRequest(RunRequestSchema, request, 'request');
    const socket = await this.#ready();
    const payload = await socket.request('run', body, options);
    return parseWire(GatewayRunAckSchema, payload, 'gateway run ack');
  }

  /** `ping`; resolves with the round trip in milliseconds. */
  async ping(options: GatewayCallOptions = {}): Promise<number> {
    const socket = await this.#ready();
    const started = Date.now();
    await socket.request('ping', {}, options);
    return Date.now() - started;
  }

  /**
   * The events of `runId` from `fromSeq` on, as a gap-free {@link RunStream} ending at the
   * terminal event. The subscription is sent when the stream is first consumed; stopping the
   * stream sends `unsubscribe`. A run the gateway does not hold in memory fails with
   * `GatewayError` `RUN_NOT_FOUND`.
   */
  subscribe(runId: string, options: GatewaySubscribeOptions = {}): RunStream {
    // Not linked to the client's own signal: close() and a lost connection end subscriptions
    // themselves, with the reason (AbortError, or the connection's error).
    return new RunStream({
      runId,
      signals: [options.signal],
      events: (signal) => this.#subscriptions.follow(runId, options.fromSeq ?? 0, signal),
    });
  }

  /** `run`, then `subscribe` from seq 0: the new run's events as a {@link RunStream}. */
  streamRun(request: GatewayRunRequest, options: GatewayCallOptions = {}): RunStream {
    const body = checkRequest(RunRequestSchema, request, 'request');
    const client = this;
    return new RunStream({
      signals: [options.signal],
      events: async function* (signal) {
        const ack = await client.run(body, { ...options, signal });
        yield* client.#subscriptions.follow(ack.run_id, 0, signal);
      },
    });
  }

  /** `unsubscribe` (acked even for runs never subscribed). */
  async unsubscribe(runId: string, options: GatewayCallOptions = {}): Promise<void> {
    this.#subscriptions.drop(runId);
    const socket = await this.#ready();
    await socket.request('unsubscribe', { run_id: runId }, options);
  }

  /** Close the connection and end every subscription with `AbortError`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closer.abort();
    this.#signal.dispose();
    this.#subscriptions.failAll(new AbortError('The gateway client was closed'));
    this.#socket?.close();
    this.#socket = undefined;
    await this.#connecting?.catch(() => {});
  }

  /** Same as {@link close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #ready(): Promise<GatewaySocket> {
    if (this.#closed) throw new AbortError('The gateway client is closed');
    if (this.#socket?.open) return this.#socket;
    return this.#connecting ?? this.#connect();
  }

  #connect(): Promise<GatewaySocket> {
    this.#connecting ??= (async () => {
      try {
        const key = this.#options.apiKey;
        const apiKey = typeof key === 'function' ? await key() : key;
        const socket = await GatewaySocket.open(
          this.#options,
          apiKey,
          {
            onEvent: (envelope) => this.#subscriptions.route(envelope),
            onBadEvent: (runId, error) => {
              if (!this.#subscriptions.failBadEvent(runId, error)) this.#onError(error);
            },
            onUnclaimedError: (error) => {
              this.#onError(error);
              // A subscription's stream task failed (§1.10: `SERVER_ERROR` with no request id);
              // which one is not said, so each open subscription is resumed (duplicates are dropped).
              if (error.code === 'SERVER_ERROR') this.#subscriptions.resubscribeAll('server-error');
            },
            onBadFrame: (error) => this.#onError(error),
            onClose: (error) => this.#lost(error),
          },
          this.#signal.signal,
        );
        if (this.#closed) {
          socket.close();
          throw new AbortError('The gateway client was closed');
        }
        this.#socket = socket;
        return socket;
      } finally {
        this.#connecting = undefined;
      }
    })();
    return this.#connecting;
  }

  /** The connection dropped: reconnect with backoff and resubscribe, or fail everything. */
  #lost(error: Error): void {
    this.#socket = undefined;
    if (this.#closed) return;
    const reconnect = this.#options.reconnect;
    if (!reconnect) {
      this.#failAll(error);
      return;
    }
    void (async () => {
      let last: unknown = error;
      for (let attempt = 0; attempt < reconnect.maxAttempts && !this.#closed; attempt++) {
        try {
          await sleep(
            computeBackoff(attempt, {
              baseDelayMs: reconnect.baseDelayMs,
              maxDelayMs: reconnect.maxDelayMs,
            }),
            this.#signal.signal,
          );
          await this.#connect();
          this.#reconnects++;
          this.#logger.debug('gateway reconnected', {
            attempt: attempt + 1,
            subscriptions: this.#subscriptions.size,
          });
          this.#subscriptions.resubscribeAll('reconnect');
          return;
        } catch (failure) {
          last = failure;
          if (this.#closed || failure instanceof AbortError) return;
          if (failure instanceof GatewayError && AUTH_CODES.has(failure.code)) break;
        }
      }
      this.#failAll(
        last instanceof GatewayError
          ? last
          : new ConnectionError(
              `The gateway connection was lost and ${reconnect.maxAttempts} reconnection attempt(s) failed: ${(last as Error).message}`,
              { cause: last },
            ),
      );
    })();
  }

  #failAll(error: unknown): void {
    this.#subscriptions.failAll(error);
    void this.close();
  }
}

/**
 * Connect to agent-sdk's WebSocket gateway (`GET /ws`) with the global `WebSocket` (Node >= 22,
 * browsers) and authenticate. The first reply to `auth` decides: after `AUTH_FAILED` or
 * `AUTH_REQUIRED` the socket is closed and this rejects with {@link GatewayError} (the server
 * would ack a second `auth` without checking it). No subprotocol is offered unless asked.
 */
export function connectGateway(options: GatewayOptions = {}): Promise<GatewayClient> {
  return GatewayClient.connect(options);
}
