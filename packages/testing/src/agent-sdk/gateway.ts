// docs/protocols/agent-sdk.md §1.10 and §1.12: the WebSocket gateway at `GET /ws`, quirks
// included: auth decided by the first frame only, an unverified second `auth`, `AUTH_REQUIRED`,
// silent end of a finished run's subscription, a per-connection send queue that drops the
// oldest frame, no subprotocol selection and no server pings.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { isObject } from '../http-io.js';
import { pyIsoNow, pyJson } from './py-json.js';
import { createRun, emitRun, ensureSession } from './run-engine.js';
import { streamRun } from './run-store.js';
import type { FakeAgentSdkState } from './state.js';

/** A frame the server sends. */
interface ServerFrame {
  type: string;
  request_id: unknown;
  timestamp: string;
  payload: Record<string, unknown>;
}

/** The server's handler raised: the connection ends (uvicorn closes with 1011). */
class HandlerCrash extends Error {}

/** One connection's state. */
class GatewayConnection {
  readonly #state: FakeAgentSdkState;
  readonly #ws: WebSocket;
  readonly #queue: string[] = [];
  readonly #subscriptions = new Map<string, AbortController>();
  #sending = false;
  #handshakeDone = false;
  #authenticated = false;
  #closed = false;

  constructor(state: FakeAgentSdkState, ws: WebSocket) {
    this.#state = state;
    this.#ws = ws;
    ws.on('message', (data, isBinary) => {
      try {
        if (isBinary) throw new HandlerCrash('receive_text got bytes');
        this.#receive(String(data));
      } catch (error) {
        if (!(error instanceof HandlerCrash)) throw error;
        this.#ws.close(1011);
      }
    });
    ws.on('close', () => this.#close());
    ws.on('error', () => this.#close());
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state.gatewayConnections--;
    for (const subscription of this.#subscriptions.values()) subscription.abort();
    this.#subscriptions.clear();
    this.#queue.length = 0;
  }

  /** `connection.enqueue`: a full queue drops its oldest frame without notice. */
  #enqueue(type: string, requestId: unknown, payload: Record<string, unknown>): void {
    if (this.#closed) return;
    const frame: ServerFrame = {
      type,
      request_id: requestId ?? null,
      timestamp: pyIsoNow(this.#state.settings.now),
      payload,
    };
    if (this.#queue.length >= this.#state.settings.gatewayQueueSize) this.#queue.shift();
    this.#queue.push(pyJson(frame, true));
    void this.#pump();
  }

  /** The send loop: one frame at a time. */
  async #pump(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const delay = this.#state.settings.gatewaySendDelayMs;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        const text = this.#queue.shift();
        if (text === undefined || this.#closed) break;
        await new Promise<void>((resolve) => this.#ws.send(text, () => resolve()));
      }
    } finally {
      this.#sending = false;
    }
  }

  #error(code: string, message: string, requestId: unknown): void {
    this.#enqueue('error', requestId, { code, message });
  }

  /** `GatewayEnvelope.from_json`, then the handshake (first frame) or `_handle_message`. */
  #receive(raw: string): void {
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      this.#handshakeDone = true;
      this.#error('INVALID_REQUEST', 'Invalid JSON', null);
      return;
    }
    // `data.get(...)` on a list or a scalar raises: not a ValueError, so nothing answers it.
    if (!isObject(data)) throw new HandlerCrash('frame is not an object');
    const type = data.type;
    if (pyFalsy(type)) {
      this.#handshakeDone = true;
      this.#error('INVALID_REQUEST', 'Missing type', null);
      return;
    }
    const requestId = data.request_id ?? null;
    const payload = pyFalsy(data.payload) ? {} : data.payload;
    if (!this.#handshakeDone) {
      this.#handshakeDone = true;
      if (type !== 'auth') {
        this.#error('AUTH_REQUIRED', 'Auth required', requestId);
        return;
      }
      const apiKey = field(payload, 'api_key');
      if (pyFalsy(apiKey) || typeof apiKey !== 'string' || !this.#state.keys.has(apiKey)) {
        this.#error('AUTH_FAILED', 'Invalid API key', requestId);
        return;
      }
      this.#authenticated = true;
      this.#enqueue('ack', requestId, { status: 'ok' });
      return;
    }
    if (!this.#authenticated && type !== 'auth') {
      this.#error('AUTH_REQUIRED', 'Auth required', requestId);
      return;
    }
    switch (type) {
      case 'auth':
        // Acked without looking at the key: the connection does not become authenticated.
        this.#enqueue('ack', requestId, { status: 'ok' });
        return;
      case 'ping':
        this.#enqueue('pong', requestId, {});
        return;
      case 'run':
        this.#run(payload, requestId);
        return;
      case 'subscribe':
        this.#subscribe(payload, requestId);
        return;
      case 'unsubscribe': {
        const runId = field(payload, 'run_id');
        if (pyFalsy(runId)) {
          this.#error('INVALID_REQUEST', 'Missing run_id', requestId);
          return;
        }
        this.#subscriptions.get(String(runId))?.abort();
        this.#subscriptions.delete(String(runId));
        this.#enqueue('ack', requestId, { status: 'unsubscribed' });
        return;
      }
      default:
        this.#error('INVALID_REQUEST', 'Unknown message type', requestId);
        return;
    }
  }

  /** `_handle_run`: a run in org `default`, acked at once; events are emitted in the background. */
  #run(payload: unknown, requestId: unknown): void {
    const task = field(payload, 'task');
    if (pyFalsy(task)) {
      this.#error('INVALID_REQUEST', 'Missing task', requestId);
      return;
    }
    const sessionId = field(payload, 'session_id');
    const state = this.#state;
    const session = ensureSession(
      state,
      sessionId === undefined || sessionId === null ? undefined : String(sessionId),
      'default',
    );
    const run = createRun(state, {
      kind: 'gateway',
      task: String(task),
      sessionId: session.session_id,
      orgId: 'default',
      model: null,
      tags: {},
      metadata: {},
    });
    run.inStore = true;
    emitRun(state, run, {
      startPayload: { task },
      eventOrgId: 'default',
      recordOrgId: 'default',
      countTokens: false,
      failure: 'event',
    });
    this.#enqueue('ack', requestId, { run_id: run.record.run_id, session_id: session.session_id });
  }

  /** `_handle_subscribe`: replaces an earlier subscription; history from `from_seq`, then live. */
  #subscribe(payload: unknown, requestId: unknown): void {
    const runId = field(payload, 'run_id');
    if (pyFalsy(runId)) {
      this.#error('INVALID_REQUEST', 'Missing run_id', requestId);
      return;
    }
    const run = this.#state.runs.get(String(runId));
    if (!run?.inStore) {
      this.#error('RUN_NOT_FOUND', 'Run not found', requestId);
      return;
    }
    const fromSeq = field(payload, 'from_seq');
    this.#subscriptions.get(String(runId))?.abort();
    this.#enqueue('ack', requestId, { status: 'subscribed' });
    const controller = new AbortController();
    this.#subscriptions.set(String(runId), controller);
    void this.#stream(run.record.run_id, fromSeq, controller.signal);
  }

  async #stream(runId: string, fromSeq: unknown, signal: AbortSignal): Promise<void> {
    const state = this.#state;
    const run = state.runs.get(runId);
    if (!run) return;
    let from: number | undefined;
    if (typeof fromSeq === 'number' || typeof fromSeq === 'boolean') from = Number(fromSeq);
    else if (fromSeq !== undefined && fromSeq !== null) {
      // Python compares `event.seq >= from_seq` and raises on a str: "Stream failure".
      if (run.history.some((event) => event.seq !== undefined)) {
        this.#error('SERVER_ERROR', 'Stream failure', null);
        return;
      }
    }
    for await (const event of streamRun(run, state.settings, from, signal)) {
      if (signal.aborted) return;
      const fault = state.faults.streamEventFault('GET', '/ws');
      if (fault === 'cutStream') {
        this.#ws.terminate();
        return;
      }
      if (fault === 'dropEvent') continue;
      if (event.seq !== undefined && state.settings.dropSeqs.has(event.seq)) continue;
      this.#enqueue('event', null, event as unknown as Record<string, unknown>);
    }
  }
}

/** Python truthiness: `None`, `False`, `0`, `""`, `[]` and `{}` are false. */
function pyFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') {
    return true;
  }
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/** `payload.get(name)`: raises (ending the connection) when the payload is not an object. */
function field(payload: unknown, name: string): unknown {
  if (!isObject(payload)) throw new HandlerCrash('payload is not an object');
  return payload[name];
}

/** Attach the gateway to `server`; `enabled: false` answers every upgrade with a plain 404. */
export function attachGateway(
  server: Server,
  state: FakeAgentSdkState,
  enabled: boolean,
): { close(): void; dropConnections(): number } {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: () => false });
  const refuse = (socket: Duplex, status: number, text: string): void => {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`,
    );
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (!enabled) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    // Only `/ws` is a WebSocket route; the `/v1` strip is an HTTP middleware.
    if (path !== '/ws') {
      refuse(socket, 403, 'Forbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      state.gatewayConnections++;
      new GatewayConnection(state, ws);
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    dropConnections: () => {
      let dropped = 0;
      for (const client of wss.clients) {
        client.terminate();
        dropped++;
      }
      return dropped;
    },
    close: () => {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
