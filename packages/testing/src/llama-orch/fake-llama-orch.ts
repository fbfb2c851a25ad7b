// docs/protocols/llama-orch.md §2 (routes), §3 (auth, headers, CORS).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultInjector } from '../fault-injection.js';
import { startServer } from '../start-server.js';
import { AdmissionQueue } from './admission.js';
import {
  createArtifact,
  createCatalogModel,
  deleteCatalogModel,
  getArtifact,
  getCatalogModel,
  setCatalogModelState,
  verifyCatalogModel,
} from './catalog-artifacts.js';
import {
  deleteSession,
  drainPool,
  getPoolHealth,
  getSession,
  purgePool,
  registerWorker,
  reloadPool,
  sendMetrics,
} from './control-plane.js';
import { cancelTask, enqueueTask, type RouteContext, streamTask } from './data-plane.js';
import { answerPreflight, applyCors, sendEmpty, sendJson } from './http-io.js';
import {
  checkFakeOptions,
  DEFAULT_ENGINE_VERSIONS,
  type FakeLlamaOrchOptions,
  resolveQuirks,
} from './options.js';
import { CAPABILITIES_BODY, type FakeLlamaOrchState } from './state.js';

/** A running fake llama-orch server. State is live and may be changed between requests. */
export interface FakeLlamaOrch extends FakeLlamaOrchState, AsyncDisposable {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Forget tasks, sessions, pools, cancels, transcripts, catalog, artifacts; empty the queue (a restart). */
  reset(): void;
  /** Stop the server, closing open streams. Idempotent. */
  close(): Promise<void>;
}

type Handler = (
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteContext,
) => void | Promise<void>;

interface Route {
  method: string;
  /** Path after `/v1` or `/v2`, with `{id}` for one segment; per family. */
  pattern: RegExp;
  template: string;
  versions: readonly ('v1' | 'v2')[];
  handler: Handler;
}

const BOTH = ['v1', 'v2'] as const;
const route = (
  method: string,
  template: string,
  versions: readonly ('v1' | 'v2')[],
  handler: Handler,
): Route => ({
  method,
  template,
  versions,
  handler,
  pattern: new RegExp(`^${template.replace('{id}', '([^/]+)')}$`),
});

const ROUTES: Route[] = [
  route('GET', '/capabilities', ['v1'], (_s, _q, res) => sendJson(res, 200, CAPABILITIES_BODY)),
  route('GET', '/meta/capabilities', ['v2'], (_s, _q, res) =>
    sendJson(res, 200, CAPABILITIES_BODY),
  ),
  route('POST', '/tasks', BOTH, (s, req, res, r) => enqueueTask(s, req, res, r.version)),
  route('GET', '/tasks/{id}/stream', ['v1'], streamTask),
  route('GET', '/tasks/{id}/events', ['v2'], streamTask),
  route('POST', '/tasks/{id}/cancel', BOTH, (s, _q, res, r) => cancelTask(s, res, r)),
  route('GET', '/sessions/{id}', BOTH, (s, _q, res, r) => getSession(s, res, r)),
  route('DELETE', '/sessions/{id}', BOTH, (s, _q, res, r) => deleteSession(s, res, r)),
  route('GET', '/pools/{id}/health', BOTH, (s, _q, res, r) => getPoolHealth(s, res, r)),
  route('POST', '/pools/{id}/drain', BOTH, drainPool),
  route('POST', '/pools/{id}/reload', BOTH, reloadPool),
  route('POST', '/pools/{id}/purge', ['v2'], (_s, req, res) => purgePool(req, res)),
  route('POST', '/workers/register', BOTH, (s, req, res) => registerWorker(s, req, res)),
  // Catalog and artifacts (§10, outside M1): in-memory stores, empty on a fresh server.
  route('POST', '/catalog/models', BOTH, (s, req, res) => createCatalogModel(s, req, res)),
  route('GET', '/catalog/models/{id}', BOTH, (s, _q, res, r) => getCatalogModel(s, res, r)),
  route('DELETE', '/catalog/models/{id}', BOTH, (s, _q, res, r) => deleteCatalogModel(s, res, r)),
  route('POST', '/catalog/models/{id}/verify', BOTH, (s, _q, res, r) =>
    verifyCatalogModel(s, res, r),
  ),
  route('POST', '/catalog/models/{id}/state', BOTH, setCatalogModelState),
  route('POST', '/artifacts', BOTH, (s, req, res) => createArtifact(s, req, res)),
  route('GET', '/artifacts/{id}', BOTH, (s, _q, res, r) => getArtifact(s, res, r)),
];

/** Check auth per route family (§3.1); answers and returns false when refused. */
function authorize(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
  version: 'v1' | 'v2',
  template: string | undefined,
): boolean {
  if (version === 'v1') {
    // Worker registration checks the Bearer token itself instead of the API key.
    if (template === '/workers/register') return true;
    const key = req.headers['x-api-key'];
    const status = key === undefined ? 401 : key !== state.apiKey ? 403 : 0;
    if (status) sendEmpty(res, status);
    return status === 0;
  }
  if (!state.token) return true;
  if (req.headers.authorization === `Bearer ${state.token}`) return true;
  // The v2 401 is produced outside the correlation-id layer.
  res.removeHeader('x-correlation-id');
  sendEmpty(res, 401);
  return false;
}

/**
 * Start a fake llama-orch server on loopback: v1 and v2 routes, per-version auth,
 * correlation ids, budget headers, the deterministic generator (§12), the server's sentinels,
 * a bounded admission queue, race-free cancel, optional pacing, CORS, quirks, seeded faults,
 * and the 14 Pact interactions canned by task id and path.
 */
export async function startFakeLlamaOrch(
  options: FakeLlamaOrchOptions = {},
): Promise<FakeLlamaOrch> {
  checkFakeOptions(options);
  const apiVersion = options.apiVersion ?? 'both';
  const queueCapacity = options.queueCapacity ?? 8;
  const state: FakeLlamaOrchState = {
    apiVersion,
    apiKey: options.apiKey ?? 'valid',
    token: options.token,
    tokensPerSecond: options.tokensPerSecond ?? 0,
    streamMode: options.streamMode ?? 'upstream',
    cors: options.cors ?? false,
    quirks: resolveQuirks(options.quirks),
    queueCapacity,
    queue: new AdmissionQueue(queueCapacity, options.admissionPolicy ?? 'reject'),
    tasks: new Map(),
    sessions: new Map(),
    pools: new Map(),
    canceled: new Set(),
    transcripts: new Map(),
    catalog: new Map(),
    artifacts: new Map(),
    calls: {},
    requests: [],
    workerBound: false,
    faults: createFaultInjector(options.faults),
    engineVersions: { ...DEFAULT_ENGINE_VERSIONS, ...definedOnly(options.engineVersions) },
    maxStreamTokens: options.maxStreamTokens ?? 100_000,
    releaseOnStreamEnd: options.releaseOnStreamEnd ?? false,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake');
    state.requests.push({
      method,
      url: `${url.pathname}${url.search}`,
      headers: { ...req.headers },
    });
    if (state.cors) {
      if (method === 'OPTIONS') return answerPreflight(req, res);
      applyCors(req, res);
    }
    if (url.pathname === '/metrics' && method === 'GET') {
      count(state, 'GET /metrics');
      res.setHeader('x-correlation-id', '00000000-0000-0000-0000-000000000000');
      return sendMetrics(state, res);
    }
    const family = /^\/(v1|v2)(\/.*)$/.exec(url.pathname);
    const version = family?.[1] as 'v1' | 'v2' | undefined;
    const served = version && (apiVersion === 'both' || apiVersion === version);
    const rest = family?.[2] ?? '';
    const candidates = served ? ROUTES.filter((r) => r.versions.includes(version)) : [];
    const matched = candidates.find((r) => r.pattern.test(rest));
    const exact = candidates.find((r) => r.method === method && r.pattern.test(rest));
    res.setHeader('x-correlation-id', headerValue(req.headers['x-correlation-id']) ?? randomUUID());
    if (await state.faults.intercept(req, res)) return;
    if (!version || !served || !matched) {
      // Unknown route (and `/v2/meta/version`, listed but not routed): 404, empty body.
      count(state, `${method} ${url.pathname}`);
      return sendEmpty(res, 404);
    }
    if (!authorize(state, req, res, version, matched.template)) return;
    if (!exact) return sendEmpty(res, 405, { allow: matched.method });
    count(state, `${method} /${version}${exact.template}`);
    const id = decodeURIComponent(exact.pattern.exec(rest)?.[1] ?? '');
    await exact.handler(state, req, res, { version, id, query: url.searchParams });
  };

  const server = await startServer(handle, { port: options.port ?? 0 });
  const reset = (): void => {
    state.queue.clear();
    state.tasks.clear();
    state.sessions.clear();
    state.pools.clear();
    state.canceled.clear();
    state.transcripts.clear();
    state.catalog.clear();
    state.artifacts.clear();
    state.workerBound = false;
  };
  const fake = state as FakeLlamaOrch;
  Object.assign(fake, {
    url: server.url,
    reset,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  });
  return fake;
}

function count(state: FakeLlamaOrchState, key: string): void {
  state.calls[key] = (state.calls[key] ?? 0) + 1;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}

function definedOnly(record: Partial<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {}).filter((entry): entry is [string, string] => !!entry[1]),
  );
}
