// docs/protocols/ai-spine.md §1 (routes at the root and under /api/v1, 404/405) and §2 (auth per
// route)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchFastApiPath } from '../fastapi-path.js';
import type { SpineCaller } from './auth.js';
import { sendDetail } from './http-io.js';

/** How a route checks the key (§1 table): `key` rejects bad keys when auth is on. */
export type RouteAccess = 'key' | 'optional' | 'none';

/** What a route handler receives. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Decoded path parameters (`{flow_id}` -> `params.flow_id`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** `''` for root routes, `'/api/v1'` for the versioned ones. */
  prefix: '' | '/api/v1';
  caller: SpineCaller;
}

/** One route: its path (relative to the prefix) and its access at each mount point. */
export interface RouteDefinition {
  method: string;
  /** Path pattern with `{name}` segments, e.g. `/executions/{execution_id}/cancel`. */
  path: string;
  /** Access when served at the root; omitted = not served at the root. */
  root?: RouteAccess;
  /** Access when served under `/api/v1`; omitted = not served there. */
  v1?: RouteAccess;
  handler(context: RouteContext): void | Promise<void>;
}

interface MountedRoute {
  method: string;
  template: string;
  segments: string[];
  access: RouteAccess;
  prefix: '' | '/api/v1';
  handler: RouteDefinition['handler'];
}

function mount(routes: RouteDefinition[]): MountedRoute[] {
  const mounted: MountedRoute[] = [];
  for (const route of routes) {
    for (const prefix of ['', '/api/v1'] as const) {
      const access = prefix === '' ? route.root : route.v1;
      if (!access) continue;
      const template = `${prefix}${route.path}`;
      mounted.push({
        method: route.method,
        template,
        segments: template.split('/').slice(1),
        access,
        prefix,
        handler: route.handler,
      });
    }
  }
  return mounted;
}

/** Hooks the router calls around dispatch. */
export interface RouterHooks {
  /** Resolve the caller for auth. */
  caller(req: IncomingMessage): SpineCaller;
  /** Count a matched call, keyed `"METHOD /template"`. */
  count(key: string): void;
}

/**
 * Build the dispatcher: 404 `{"detail":"Not Found"}` for unknown paths, 405
 * `{"detail":"Method Not Allowed"}` (with `Allow`) for a known path with another method, a 307
 * to the path without its trailing slash (Starlette's `redirect_slashes`), and 401 with
 * `WWW-Authenticate: Bearer` on `key` routes when the caller is missing or invalid.
 */
export function createRouter(routes: RouteDefinition[], hooks: RouterHooks) {
  const mounted = mount(routes);
  const find = (path: string) => {
    const parts = path.split('/').slice(1);
    return mounted.flatMap((route) => {
      const params = matchFastApiPath(route.segments, parts);
      return params ? [{ route, params }] : [];
    });
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const candidates = find(url.pathname);
    if (candidates.length === 0) {
      const trimmed = url.pathname.replace(/\/+$/, '');
      if (trimmed !== url.pathname && trimmed !== '' && find(trimmed).length > 0) {
        res.writeHead(307, { location: `${trimmed}${url.search}`, 'content-length': '0' });
        res.end();
        return;
      }
      sendDetail(res, 404, 'Not Found');
      return;
    }
    const hit = candidates.find((c) => c.route.method === method);
    if (!hit) {
      const allow = [...new Set(candidates.map((c) => c.route.method))].join(', ');
      sendDetail(res, 405, 'Method Not Allowed', { allow });
      return;
    }
    hooks.count(`${method} ${hit.route.template}`);
    const caller = hooks.caller(req);
    if (hit.route.access === 'key' && (caller.kind === 'missing' || caller.kind === 'invalid')) {
      const detail = caller.kind === 'missing' ? 'Missing API key' : 'Invalid API key';
      sendDetail(res, 401, detail, { 'www-authenticate': 'Bearer' });
      return;
    }
    await hit.route.handler({
      req,
      res,
      params: hit.params,
      query: url.searchParams,
      prefix: hit.route.prefix,
      caller,
    });
  };
}
