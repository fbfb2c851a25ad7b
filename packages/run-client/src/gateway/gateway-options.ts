// docs/protocols/agent-sdk.md §1.10 and §6: how the gateway client connects and stays connected.
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { ClientSettings, type CredentialSource, type Env, type Logger } from '@uplink/http';
import { API_KEY_ENV_VARS, BASE_URL_ENV_VARS, DEFAULT_BASE_URL } from '../client-options.js';

/** The part of the WHATWG `WebSocket` the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
}

/** A `WebSocket` constructor (the global one in Node >= 22 and browsers). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** Reconnection after an unexpected close. */
export interface GatewayReconnectOptions {
  /** Attempts in a row before the client gives up. @default 5 */
  maxAttempts?: number | undefined;
  /** Backoff ceiling of the first attempt (full jitter, doubling). @default 500 */
  baseDelayMs?: number | undefined;
  /** Cap on the backoff. @default 10000 */
  maxDelayMs?: number | undefined;
}

/** Options of `connectGateway`. */
export interface GatewayOptions {
  /**
   * The gateway: a `ws:`/`wss:` URL of `/ws`, or the server's `http(s)` base URL (then `/ws`
   * is appended and the scheme becomes `ws`/`wss`).
   * @default env AGENT_SDK_BASE_URL (as a base URL), else 'http://127.0.0.1:8000'
   */
  url?: string | undefined;
  /**
   * The API key sent in the first (`auth`) frame; a function is called on every (re)connect.
   * Never logged.
   * @default env AGENT_SDK_API_KEY
   */
  apiKey?: CredentialSource | undefined;
  /** `client_id` of the `auth` frame. @default undefined */
  clientId?: string | undefined;
  /**
   * Subprotocols to offer. The server never selects one, and strict clients then fail the
   * handshake, so none is offered unless you ask (for a proxy that needs `agent-sdk.v1`).
   * @default undefined (none)
   */
  protocols?: string | string[] | undefined;
  /** The WebSocket implementation. @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor | undefined;
  /** Environment for the fallbacks. @default globalThis.process?.env, or {} */
  env?: Env | undefined;
  /** Opening the socket plus the `auth` reply. @default 10000 */
  connectTimeoutMs?: number | undefined;
  /** How long a request (`run`, `subscribe`, `ping`, ...) waits for its reply. @default 10000 */
  requestTimeoutMs?: number | undefined;
  /** A `ping` frame is sent this often (the server never pings). @default 15000 */
  pingIntervalMs?: number | undefined;
  /** No frame at all for this long means the connection is dead: it is closed and reconnected. @default 45000 */
  livenessTimeoutMs?: number | undefined;
  /**
   * A subscription that receives no event for this long is resubscribed from `lastSeq + 1`
   * (a subscription whose terminal event was lost never ends otherwise).
   * @default 330000
   */
  subscriptionIdleTimeoutMs?: number | undefined;
  /** Resubscriptions of one run in a row without a new event before it fails. @default 5 */
  maxResubscribes?: number | undefined;
  /** Reconnection; `false` turns it off (a drop then fails every subscription). @default {} */
  reconnect?: GatewayReconnectOptions | false | undefined;
  /**
   * Fill a subscription's gaps from the HTTP replay instead of resubscribing: resolve with the
   * run's events from `fromSeq` on, for example
   * `(runId, fromSeq, signal) => runClient.replayEvents(runId, { fromSeq, signal }).then((p) => p.events)`.
   * A gateway whose send queue (100 frames) is smaller than a run's remaining history drops
   * the oldest frames of every resubscription, so long runs need this.
   * @default undefined (gaps are filled by resubscribing)
   */
  replay?:
    | ((runId: string, fromSeq: number, signal: AbortSignal) => Promise<readonly StreamEnvelope[]>)
    | undefined;
  /** A frame longer than this is dropped and reported. @default 1048576 */
  maxFrameBytes?: number | undefined;
  /** Frames that cannot be read and errors no request claims are reported here. @default log at warn */
  onError?: ((error: Error) => void) | undefined;
  /** Debug lines (connects, resubscriptions); everything is redacted. @default silentLogger */
  logger?: Logger | undefined;
  /** Closes the client. @default undefined */
  signal?: AbortSignal | undefined;
}

/** {@link GatewayOptions} after fallbacks and validation. */
export interface ResolvedGatewayOptions {
  url: string;
  apiKey: CredentialSource;
  clientId: string | undefined;
  protocols: string | string[] | undefined;
  WebSocket: WebSocketConstructor;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  pingIntervalMs: number;
  livenessTimeoutMs: number;
  subscriptionIdleTimeoutMs: number;
  maxResubscribes: number;
  reconnect: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number } | false;
  maxFrameBytes: number;
  replay: GatewayOptions['replay'];
}

/** The gateway URL for `value`: ws(s) URLs as given, http(s) base URLs with `/ws` appended. */
export function gatewayUrl(value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (parsed.username || parsed.password) return undefined;
  if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return parsed.toString();
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/ws`;
  return parsed.toString();
}

/** Validate the options and apply the fallbacks; every problem in one {@link ConfigurationError}. */
export function resolveGatewayOptions(options: GatewayOptions = {}): ResolvedGatewayOptions {
  const settings = new ClientSettings(options);
  const picked = settings.pick(options.url, 'url', BASE_URL_ENV_VARS) ?? {
    value: DEFAULT_BASE_URL,
    setting: 'url',
  };
  const url = typeof picked.value === 'string' ? gatewayUrl(picked.value) : undefined;
  if (!url) {
    settings.problem(
      picked.setting,
      'expected a ws(s):// URL of /ws or an http(s):// base URL, without user or password',
    );
  }
  const apiKey = settings.pick(options.apiKey, 'apiKey', API_KEY_ENV_VARS)?.value;
  if (apiKey === undefined) {
    settings.problem(
      'apiKey',
      `missing API key: pass apiKey or set ${API_KEY_ENV_VARS.join(' or ')}`,
    );
  } else if (typeof apiKey !== 'function' && (typeof apiKey !== 'string' || apiKey === '')) {
    settings.problem('apiKey', 'expected a non-empty string or a function');
  }
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof Ctor !== 'function') {
    settings.problem(
      'WebSocket',
      'no WebSocket implementation: use Node >= 22 or a browser, or pass one',
    );
  }
  const duration = (setting: string, value: number | undefined, fallback: number): number => {
    settings.duration(setting, value);
    return value ?? fallback;
  };
  const count = (setting: string, value: number | undefined, fallback: number): number => {
    settings.count(setting, value, 0);
    return value ?? fallback;
  };
  const connectTimeoutMs = duration('connectTimeoutMs', options.connectTimeoutMs, 10_000);
  const requestTimeoutMs = duration('requestTimeoutMs', options.requestTimeoutMs, 10_000);
  const pingIntervalMs = duration('pingIntervalMs', options.pingIntervalMs, 15_000);
  const livenessTimeoutMs = duration('livenessTimeoutMs', options.livenessTimeoutMs, 45_000);
  const subscriptionIdleTimeoutMs = duration(
    'subscriptionIdleTimeoutMs',
    options.subscriptionIdleTimeoutMs,
    330_000,
  );
  const maxResubscribes = count('maxResubscribes', options.maxResubscribes, 5);
  const maxFrameBytes = count('maxFrameBytes', options.maxFrameBytes, 1024 * 1024);
  let reconnect: ResolvedGatewayOptions['reconnect'] = false;
  if (options.reconnect !== false) {
    const r = options.reconnect ?? {};
    reconnect = {
      maxAttempts: count('reconnect.maxAttempts', r.maxAttempts, 5),
      baseDelayMs: count('reconnect.baseDelayMs', r.baseDelayMs, 500),
      maxDelayMs: count('reconnect.maxDelayMs', r.maxDelayMs, 10_000),
    };
  }
  if (options.replay !== undefined && typeof options.replay !== 'function') {
    settings.problem('replay', 'expected a function (runId, fromSeq, signal) => events');
  }
  settings.throwIfInvalid();
  return {
    replay: options.replay,
    url: url as string,
    apiKey: apiKey as CredentialSource,
    clientId: options.clientId,
    protocols: options.protocols,
    WebSocket: Ctor as WebSocketConstructor,
    connectTimeoutMs,
    requestTimeoutMs,
    pingIntervalMs,
    livenessTimeoutMs,
    subscriptionIdleTimeoutMs,
    maxResubscribes,
    reconnect,
    maxFrameBytes,
  };
}
