// docs/protocols/agent-sdk.md §5: the fake's switches. Defaults follow the real server.
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import type { FaultInjectorOptions } from '../fault-injection.js';

/** Roles of agent-sdk keys (§1.2). */
export type FakeAgentSdkRole = 'admin' | 'developer' | 'viewer';

/** One API key the fake accepts. */
export interface FakeAgentSdkKey {
  /** The `X-API-Key` value. */
  key: string;
  /** The key's org. @default 'default' */
  orgId?: string | undefined;
  /** A project the key is scoped to (then `X-Project-Id` must match). @default undefined */
  projectId?: string | undefined;
  /** @default 'developer' */
  role?: FakeAgentSdkRole | undefined;
  /** Scopes; `*` allows everything. @default the role's scopes */
  scopes?: string[] | undefined;
  /** Requests per minute before 429 `Rate limit exceeded`. @default undefined (no limit) */
  rateLimitPerMinute?: number | undefined;
}

/** One message the fake model produces. */
export interface FakeAgentMessage {
  /** The message text. */
  content: string;
  /** Extra metadata (`type` defaults to `execution_step`). */
  metadata?: Record<string, unknown> | undefined;
}

/** Per-org limits (`Quota exceeded: <reason>`). */
export interface FakeAgentSdkQuota {
  /** Runs the org may create. */
  maxRuns?: number | undefined;
  /** Sessions the org may create. */
  maxSessions?: number | undefined;
}

/** Cut SSE streams after a number of events (the connection is destroyed, no terminal event). */
export interface FakeMidStreamDisconnect {
  /** Events written before the cut. */
  afterEvents: number;
  /** How many SSE responses per run are cut (counting from the first). @default 1 */
  streams?: number | undefined;
}

/** Options of `startFakeAgentSdk`. */
export interface FakeAgentSdkOptions {
  /** Accepted keys: strings (developer keys of org `default`) or key records. @default ['test-key'] */
  apiKeys?: (string | FakeAgentSdkKey)[] | undefined;
  /** Turn on JWT mode (`AGENT_SDK_JWT_ENABLED`) with this HS256 secret. @default undefined (off) */
  jwtSecret?: string | undefined;
  /** Known projects; projects of scoped keys are added with the key's org. @default [] */
  projects?: { projectId: string; orgId: string }[] | undefined;
  /** Per-org quotas. @default {} (none) */
  quotas?: Record<string, FakeAgentSdkQuota> | undefined;
  /**
   * The model: the messages a task produces.
   * @default a `plan` message and one `execution_step` message, as the mock model makes
   */
  respond?: ((task: string) => FakeAgentMessage[]) | undefined;
  /** Make a task fail: return the error text for tasks that should fail. @default never */
  failTask?: ((task: string) => string | undefined) | undefined;
  /** Time the model takes before its messages, in ms. @default 0 */
  runDelayMs?: number | undefined;
  /** Time between consecutive events after the model returned, in ms (pacing). @default 0 */
  messageDelayMs?: number | undefined;
  /** Send assistant messages in the contract fixture's spelling (`assistant.message`, `{text}`). @default false */
  fixtureSpelling?: boolean | undefined;
  /** Gap mode: these seqs are never written to an SSE or WebSocket stream (replay has them). @default [] */
  dropSeqs?: number[] | undefined;
  /** Cut the first SSE response(s) of each run after some events. @default undefined */
  midStreamDisconnect?: FakeMidStreamDisconnect | undefined;
  /**
   * The real server's fast-run race on every `POST /run/stream`: the run finishes while seq 0 is
   * being written, the rest is drained from the live queue, and the response then sends nothing
   * and never closes, while the run completes and the replay has every event.
   * @default false
   */
  seqZeroThenSilence?: boolean | undefined;
  /**
   * Make every `POST /run/stream` answer fail after this many events the way the server's
   * stream generator does when it raises: one `lifecycle/error` without `seq` and with
   * `session_id: "unknown"`, then the end of the body.
   * @default undefined (never)
   */
  streamFailure?: { afterEvents: number; message?: string | undefined } | undefined;
  /** Live queue size per run (`AGENT_SDK_STREAM_QUEUE_SIZE`). @default 200 */
  liveQueueSize?: number | undefined;
  /** Retained history per run (`AGENT_SDK_STREAM_MAX_EVENTS`). @default 1000 */
  maxEvents?: number | undefined;
  /** WebSocket send queue per connection (`AGENT_SDK_GATEWAY_QUEUE`). @default 100 */
  gatewayQueueSize?: number | undefined;
  /** Delay before each WebSocket frame is sent, to fill the send queue. @default 0 */
  gatewaySendDelayMs?: number | undefined;
  /** Serve `GET /ws`; `false` answers the upgrade with a plain 404, like a server without a WebSocket library. @default true */
  webSocket?: boolean | undefined;
  /** Idempotency cache lifetime. @default 3600000 (60 minutes) */
  idempotencyTtlMs?: number | undefined;
  /** Seeded faults (request faults, plus `dropEvent` and `cutStream` per streamed event). @default none */
  faults?: FaultInjectorOptions | undefined;
  /** Clock for timestamps. @default () => new Date() */
  now?: (() => Date) | undefined;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number | undefined;
}

/** Scopes per role (§1.2). */
export function scopesForRole(role: FakeAgentSdkRole): string[] {
  if (role === 'admin') return ['*'];
  if (role === 'viewer') return ['runs:read', 'sessions:read', 'tools:read'];
  return [
    'runs:read',
    'runs:write',
    'sessions:read',
    'sessions:write',
    'tools:read',
    'devices:manage',
    'channels:write',
  ];
}

/** Check settings the fake cannot work with; every problem at once. */
export function checkFakeAgentSdkOptions(options: FakeAgentSdkOptions): void {
  const problems: ConfigurationProblem[] = [];
  const count = (setting: string, value: unknown, min = 0): void => {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min)) {
      problems.push({
        setting,
        message: `expected a whole number >= ${min}, got ${String(value)}`,
      });
    }
  };
  const delay = (setting: string, value: unknown): void => {
    if (
      value !== undefined &&
      !(typeof value === 'number' && Number.isFinite(value) && value >= 0)
    ) {
      problems.push({ setting, message: `expected milliseconds >= 0, got ${String(value)}` });
    }
  };
  count('liveQueueSize', options.liveQueueSize, 1);
  count('maxEvents', options.maxEvents, 1);
  count('gatewayQueueSize', options.gatewayQueueSize, 1);
  count('port', options.port);
  delay('runDelayMs', options.runDelayMs);
  delay('messageDelayMs', options.messageDelayMs);
  delay('gatewaySendDelayMs', options.gatewaySendDelayMs);
  delay('idempotencyTtlMs', options.idempotencyTtlMs);
  if (options.midStreamDisconnect !== undefined) {
    count('midStreamDisconnect.afterEvents', options.midStreamDisconnect.afterEvents);
    count('midStreamDisconnect.streams', options.midStreamDisconnect.streams, 1);
  }
  for (const [i, key] of (options.apiKeys ?? []).entries()) {
    const value = typeof key === 'string' ? key : key?.key;
    if (typeof value !== 'string' || value === '') {
      problems.push({ setting: `apiKeys[${i}]`, message: 'expected a non-empty key' });
    }
  }
  if (
    options.jwtSecret !== undefined &&
    (typeof options.jwtSecret !== 'string' || !options.jwtSecret)
  ) {
    problems.push({ setting: 'jwtSecret', message: 'expected a non-empty string' });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}
