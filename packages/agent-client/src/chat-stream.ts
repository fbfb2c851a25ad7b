// docs/protocols/saturn.md §2.5: chat streaming exists in SATURN's API document only
// (`WS /agents/{id}/chat/stream`, events `token | final | usage | error`). This is the client
// side of that description, for servers that implement it; SATURN itself has no such route.
import { AbortError, ConfigurationError, StreamError, TimeoutError } from '@uplink/core-schemas';
import {
  type ChatRequest,
  ChatRequestSchema,
  type ChatStreamEvent,
  ChatStreamEventSchema,
} from '@uplink/core-schemas/saturn';
import { randomUuid } from '@uplink/http';
import * as v from 'valibot';
import { requireCapability, type SaturnCapabilities } from './capabilities.js';
import type { TokenSource } from './client-options.js';
import { checkTokenShape } from './credential.js';
import { InvalidArgumentError } from './errors.js';
import type { CallOptions } from './types.js';
import { checkBody, checkId } from './validate-input.js';

/** What {@link openChatStream} needs. */
export interface ChatStreamInit {
  /** `ws://` or `wss://` URL of the stream. */
  url: string;
  /** The first frame sent once the socket is open (the message to answer). */
  first: Record<string, unknown>;
  /** Headers of the upgrade request (credential, `X-Request-Id`); Node-style runtimes only. */
  headers: () => Promise<Record<string, string>>;
  /** A frame larger than this fails the stream with `StreamError('oversized')`. */
  maxFrameBytes: number;
  /** No frame for this long fails the stream with `TimeoutError('idle')`. */
  idleTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Called once the stream has ended or was closed. */
  onClose?: ((stream: ChatStream) => void) | undefined;
}

/** A chat stream: iterate it for events (it connects on the first read); `close()` stops it. */
export interface ChatStream extends AsyncIterable<ChatStreamEvent> {
  /** Close the socket; a pending iteration ends. */
  close(): void;
}

type Item = { event: ChatStreamEvent } | { error: unknown } | { end: true };
type SocketCtor = new (url: string, options: unknown) => WebSocket;

/** Buffers socket events for the iterator; the first terminal item wins. */
class EventQueue {
  readonly #items: Item[] = [];
  #wake: (() => void) | undefined;
  finished = false;

  push(item: Item): void {
    if (this.finished) return;
    if (!('event' in item)) this.finished = true;
    this.#items.push(item);
    this.#wake?.();
  }

  /** Stop: a waiting `next()` returns. */
  stop(): void {
    this.finished = true;
    this.#wake?.();
  }

  /** The next item, or `undefined` once stopped with nothing left. */
  async next(): Promise<Item | undefined> {
    for (;;) {
      const item = this.#items.shift();
      if (item) return item;
      if (this.finished) return undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

/**
 * Open the stream on first read: send `first`, then yield each JSON frame as a
 * {@link ChatStreamEvent} until the socket closes. An `error` frame becomes
 * `StreamError('server_error')`; a close before a `final` frame `StreamError('truncated')`; a
 * frame that is not a JSON object with a `type` `StreamError('malformed')`.
 */
export function openChatStream(init: ChatStreamInit): ChatStream {
  const Socket = (globalThis as { WebSocket?: unknown }).WebSocket as SocketCtor | undefined;
  if (!Socket) {
    throw new ConfigurationError([
      { setting: 'capabilities.chatStreaming', message: 'this runtime has no global WebSocket' },
    ]);
  }
  const where = new URL(init.url).pathname;
  const queue = new EventQueue();
  let socket: WebSocket | undefined;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let sawFinal = false;

  const fail = (error: unknown): void => {
    queue.push({ error });
    socket?.close();
  };
  const armIdle = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      const message = `chat stream ${where} sent nothing for ${init.idleTimeoutMs} ms`;
      fail(new TimeoutError(message, { timeout: 'idle', timeoutMs: init.idleTimeoutMs }));
    }, init.idleTimeoutMs);
  };
  const onAbort = (): void =>
    fail(new AbortError(`chat stream ${where} was aborted by the caller`));
  const onMessage = (message: MessageEvent): void => {
    armIdle();
    const text = typeof message.data === 'string' ? message.data : '';
    if (text.length > init.maxFrameBytes) {
      const why = `a frame is larger than ${init.maxFrameBytes} bytes`;
      fail(new StreamError(`chat stream ${where}: ${why}`, { code: 'oversized' }));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = v.safeParse(ChatStreamEventSchema, parsed);
    if (!result.success) {
      const why = 'a frame is not a JSON event with a type';
      fail(new StreamError(`chat stream ${where}: ${why}`, { code: 'malformed' }));
      return;
    }
    const event = result.output;
    if (event.type === 'error') {
      const said = typeof event.message === 'string' ? `: ${event.message}` : '';
      const message = `chat stream ${where}: the server sent an error event${said}`;
      fail(new StreamError(message, { code: 'server_error', data: event }));
      return;
    }
    if (event.type === 'final') sawFinal = true;
    queue.push({ event });
  };
  const close = (): void => {
    clearTimeout(idle);
    init.signal?.removeEventListener('abort', onAbort);
    queue.stop();
    socket?.close();
    init.onClose?.(stream);
  };

  const connect = async (): Promise<void> => {
    if (init.signal?.aborted) return onAbort();
    init.signal?.addEventListener('abort', onAbort, { once: true });
    const headers = await init.headers();
    if (queue.finished) return;
    const ws = new Socket(init.url, { headers });
    socket = ws;
    ws.addEventListener('open', () => {
      armIdle();
      ws.send(JSON.stringify(init.first));
    });
    ws.addEventListener('message', onMessage);
    ws.addEventListener('error', () => {
      const message = `chat stream ${where}: the WebSocket failed (is streaming served here?)`;
      queue.push({ error: new StreamError(message, { code: 'truncated' }) });
    });
    ws.addEventListener('close', (closed: CloseEvent) => {
      clearTimeout(idle);
      if (sawFinal) queue.push({ end: true });
      const message = `chat stream ${where} closed (code ${closed.code}) before a final event`;
      queue.push({ error: new StreamError(message, { code: 'truncated' }) });
    });
  };

  const stream: ChatStream = {
    close,
    async *[Symbol.asyncIterator]() {
      try {
        await connect();
        for (;;) {
          const item = await queue.next();
          if (item === undefined || 'end' in item) return;
          if ('error' in item) throw item.error;
          yield item.event;
        }
      } finally {
        close();
      }
    },
  };
  return stream;
}

/** What the client hands to {@link streamChat}. */
export interface StreamSettings {
  baseUrl: string;
  apiPrefix: string;
  token: TokenSource | undefined;
  capabilities: Required<SaturnCapabilities>;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  onClose: (stream: ChatStream) => void;
}

/**
 * `AgentClient.streamChat`: refuses unless `capabilities.chatStreaming` is on, checks the
 * request, and opens the stream at `ws(s)://<base><prefix>/agents/{id}/chat/stream?session_id=`.
 * The first frame is the request without `session_id`.
 */
export function streamChat(
  settings: StreamSettings,
  agentId: string,
  request: ChatRequest | string,
  options: CallOptions,
): ChatStream {
  requireCapability(settings.capabilities, 'chatStreaming', 'streamChat');
  const { session_id, ...first } = checkBody(
    ChatRequestSchema,
    typeof request === 'string' ? { message: request } : request,
    'request',
  );
  const id = encodeURIComponent(checkId('agentId', agentId));
  const url = new URL(`${settings.baseUrl}${settings.apiPrefix}/agents/${id}/chat/stream`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (session_id !== undefined) url.searchParams.set('session_id', session_id);
  const { token } = settings;
  const requestId = options.requestId ?? randomUuid();
  return openChatStream({
    url: url.href,
    first,
    headers: async () => {
      const value = typeof token === 'function' ? await token() : token;
      const problem = value === undefined ? undefined : checkTokenShape(value);
      if (problem) throw new InvalidArgumentError([{ setting: 'token', message: problem }]);
      return {
        'x-request-id': requestId,
        ...(value === undefined ? {} : { authorization: `Bearer ${value}` }),
      };
    },
    maxFrameBytes: settings.maxFrameBytes,
    idleTimeoutMs: settings.idleTimeoutMs,
    signal: options.signal,
    onClose: settings.onClose,
  });
}
