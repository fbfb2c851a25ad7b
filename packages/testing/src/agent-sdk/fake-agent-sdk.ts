// docs/protocols/agent-sdk.md §1.1-§1.3 (paths, middlewares, errors) and §5 (the fake).
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultInjector } from '../fault-injection.js';
import { BodyReadError, readBody } from '../http-io.js';
import { startServer } from '../start-server.js';
import {
  authenticate,
  HttpError,
  middlewareGuards,
  middlewareRefusal,
  requireScope,
} from './auth.js';
import { attachGateway } from './gateway.js';
import { type ResponseContext, sendDetail, sendJson } from './http-io.js';
import {
  checkFakeAgentSdkOptions,
  type FakeAgentSdkKey,
  type FakeAgentSdkOptions,
  scopesForRole,
} from './options.js';
import {
  channelWebhook,
  getSession,
  health,
  listSessions,
  pairDevice,
  ready,
  registerDevice,
} from './other-routes.js';
import { type FakeRoute, route } from './route-types.js';
import { defaultRespond } from './run-engine.js';
import { getRun, replayEvents, runEvents, runStream, runSync } from './run-routes.js';
import type { FakeAgentSdkState, FakeResolvedKey } from './state.js';
import { jsonInvalid } from './validation.js';

/** A running fake agent-sdk server. State is live and may be changed between requests. */
export interface FakeAgentSdk extends AsyncDisposable {
  /** Base URL, `http://127.0.0.1:<port>` (routes answer bare and under `/v1`). */
  readonly url: string;
  /** The WebSocket gateway URL, `ws://127.0.0.1:<port>/ws`. */
  readonly wsUrl: string;
  /** The first configured API key (`test-key` by default). */
  readonly apiKey: string;
  /** Live state: runs, sessions, devices, the idempotency cache, requests, faults, switches. */
  readonly state: FakeAgentSdkState;
  /** Cut every open WebSocket connection at once (no close frame); returns how many. */
  dropGatewayConnections(): number;
  /** Make a signed HS256 JWT for JWT mode (needs `jwtSecret`). */
  signJwt(claims: Record<string, unknown>): string;
  /** Stop the server, closing open streams and sockets. Idempotent. */
  close(): Promise<void>;
}

/** Paths the versioning middleware does not mark deprecated (matched as prefixes). */
const PUBLIC_PREFIXES = ['/health', '/ready', '/metrics', '/docs', '/openapi.json', '/redoc'];

const ROUTES: FakeRoute[] = [
  route('GET', '/health', undefined, health),
  route('GET', '/ready', undefined, ready),
  route('POST', '/run', 'runs:write', runSync, true),
  route('POST', '/run/stream', 'runs:write', runStream, true),
  route('GET', '/run/{run_id}', 'runs:read', getRun),
  route('GET', '/run/{run_id}/events', 'runs:read', runEvents),
  route('GET', '/run/{run_id}/events/replay', 'runs:read', replayEvents),
  route('GET', '/sessions', 'sessions:read', listSessions),
  route('GET', '/sessions/{session_id}', 'sessions:read', getSession),
  route('POST', '/channels/webhook', 'channels:write', channelWebhook, true),
  route('POST', '/devices/register', 'devices:manage', registerDevice, true),
  route('POST', '/devices/pair', 'devices:manage', pairDevice, true),
];

function resolveKey(entry: string | FakeAgentSdkKey): FakeResolvedKey {
  const key = typeof entry === 'string' ? { key: entry } : entry;
  const role = key.role ?? 'developer';
  return {
    key: key.key,
    orgId: key.orgId ?? 'default',
    projectId: key.projectId,
    role,
    scopes: key.scopes ?? scopesForRole(role),
    rateLimitPerMinute: key.rateLimitPerMinute,
  };
}

const headerValue = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
};

/**
 * Start a fake agent-sdk server on 127.0.0.1: the run, session, channel and device routes bare
 * and under `/v1`, the SSE streams with the real delivery mechanism (shared live queue, history
 * race), replay, and the WebSocket gateway at `/ws`, quirks included. See the README in
 * `src/agent-sdk/` for the switches.
 */
export async function startFakeAgentSdk(options: FakeAgentSdkOptions = {}): Promise<FakeAgentSdk> {
  checkFakeAgentSdkOptions(options);
  const keys = new Map<string, FakeResolvedKey>();
  for (const entry of options.apiKeys ?? ['test-key']) {
    const resolved = resolveKey(entry);
    keys.set(resolved.key, resolved);
  }
  const projects = new Map<string, string>();
  for (const key of keys.values()) if (key.projectId) projects.set(key.projectId, key.orgId);
  for (const project of options.projects ?? []) projects.set(project.projectId, project.orgId);
  const state: FakeAgentSdkState = {
    keys,
    jwtSecret: options.jwtSecret,
    projects,
    quotas: { ...(options.quotas ?? {}) },
    runs: new Map(),
    sessions: new Map(),
    devices: new Map(),
    idempotency: new Map(),
    usage: new Map(),
    requests: [],
    calls: {},
    faults: createFaultInjector(options.faults),
    gatewayConnections: 0,
    settings: {
      respond: options.respond ?? defaultRespond,
      failTask: options.failTask,
      runDelayMs: options.runDelayMs ?? 0,
      messageDelayMs: options.messageDelayMs ?? 0,
      fixtureSpelling: options.fixtureSpelling ?? false,
      dropSeqs: new Set(options.dropSeqs ?? []),
      midStreamDisconnect: options.midStreamDisconnect,
      seqZeroThenSilence: options.seqZeroThenSilence ?? false,
      streamFailure: options.streamFailure,
      liveQueueSize: options.liveQueueSize ?? 200,
      maxEvents: options.maxEvents ?? 1000,
      gatewayQueueSize: options.gatewayQueueSize ?? 100,
      gatewaySendDelayMs: options.gatewaySendDelayMs ?? 0,
      idempotencyTtlMs: options.idempotencyTtlMs ?? 3_600_000,
      now: options.now ?? (() => new Date()),
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake');
    const originalPath = url.pathname;
    state.requests.push({
      method,
      url: `${url.pathname}${url.search}`,
      headers: { ...req.headers },
    });
    if (await state.faults.intercept(req, res)) return;
    // The key middleware is the outermost: its 401 skips every other middleware.
    if (middlewareGuards(originalPath)) {
      const refusal = middlewareRefusal(state, req);
      if (refusal) {
        const none: ResponseContext = {
          requestId: undefined,
          traceId: undefined,
          versioned: false,
          deprecated: false,
        };
        count(state, `${method} ${originalPath}`);
        return sendJson(res, 401, refusal, none);
      }
    }
    const requestId = headerValue(req, 'x-request-id') ?? `req_${randomBytes(8).toString('hex')}`;
    const traceId = headerValue(req, 'x-trace-id') ?? requestId;
    const versioned = originalPath === '/v1' || originalPath.startsWith('/v1/');
    const path = originalPath === '/v1' ? '/' : versioned ? originalPath.slice(3) : originalPath;
    const ctx: ResponseContext = {
      requestId,
      traceId,
      versioned: true,
      deprecated: !versioned && !PUBLIC_PREFIXES.some((prefix) => originalPath.startsWith(prefix)),
    };
    const candidates = ROUTES.filter((r) => r.pattern.test(path));
    const matched = candidates.find((r) => r.method === method);
    if (!matched) {
      count(state, `${method} ${path}`);
      if (candidates.length > 0) {
        res.setHeader('allow', candidates.map((r) => r.method).join(', '));
        return sendDetail(res, 405, 'Method Not Allowed', ctx);
      }
      return sendDetail(res, 404, 'Not Found', ctx);
    }
    count(state, matched.key);
    const match = matched.pattern.exec(path);
    const params: Record<string, string> = {};
    matched.names.forEach((name, i) => {
      params[name] = decodeURIComponent(match?.[i + 1] ?? '');
    });
    try {
      // FastAPI reads the JSON body before the dependencies run: bad JSON is a 422 first.
      let body: unknown;
      if (matched.body) {
        const text = (await readBody(req, 1024 * 1024)).toString('utf8');
        if (text.trim() === '') {
          throw new HttpError(422, [
            { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
          ]);
        }
        try {
          body = JSON.parse(text);
        } catch {
          throw new HttpError(422, [jsonInvalid(text)]);
        }
      }
      let key: FakeResolvedKey = {
        key: '',
        orgId: 'default',
        projectId: undefined,
        role: 'viewer',
        scopes: [],
        rateLimitPerMinute: undefined,
      };
      if (matched.scope) {
        key = authenticate(state, req);
        requireScope(key, matched.scope);
      }
      await matched.handler({
        state,
        req,
        res,
        ctx,
        path: matched.key.slice(matched.key.indexOf(' ') + 1),
        requestPath: originalPath,
        params,
        query: url.searchParams,
        body,
        key,
        requestId,
        traceId,
      });
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) return sendDetail(res, error.status, error.detail, ctx);
      if (error instanceof BodyReadError) return sendDetail(res, error.status, error.message, ctx);
      return sendDetail(
        res,
        500,
        'Internal server error Hint: Check server logs for details.',
        ctx,
      );
    }
  };

  const server = await startServer(handle, { port: options.port ?? 0 });
  const gateway = attachGateway(server.server, state, options.webSocket ?? true);
  const close = async (): Promise<void> => {
    gateway.close();
    for (const run of state.runs.values()) run.flush();
    await server.close();
  };
  const firstKey = [...keys.keys()][0] ?? 'test-key';
  return {
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    apiKey: firstKey,
    state,
    signJwt: (claims) => signJwt(claims, state.jwtSecret),
    dropGatewayConnections: () => gateway.dropConnections(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function count(state: FakeAgentSdkState, key: string): void {
  state.calls[key] = (state.calls[key] ?? 0) + 1;
}

/** An HS256 JWT the fake accepts in JWT mode. */
function signJwt(claims: Record<string, unknown>, secret: string | undefined): string {
  if (!secret) throw new Error('signJwt needs the fake to be started with jwtSecret');
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: 'HS256', typ: 'JWT' });
  const body = encode(claims);
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}
