// docs/protocols/saturn.md §2.1 (mount point, envelopes, plain 404/405/422, request id),
// §2.3 (credential before body, role after) and §2.6 (unhandled 500s drop the connection)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchFastApiPath } from '../fastapi-path.js';
import { authenticate, type CredentialRule, requireCredential, type SaturnAuth } from './auth.js';
import {
  PlainFailure,
  type RawBody,
  readRequestBody,
  SaturnFailure,
  sendData,
  sendFailure,
  sendPlain,
  sendUnhandled,
  UnhandledServerError,
  ValidationFailure,
} from './http-io.js';
import type { SaturnRuntime } from './runtime.js';
import { type ModelRules, requireQuery, validateBody } from './validation.js';

/** What a handler receives once the credential, query and body have passed. */
export interface SaturnContext {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  requestId: string;
  /** The caller; routes with `credential: 'none'` may have none. */
  auth: SaturnAuth;
  /** The validated body (routes with a `body` model), else `{}`. */
  body: Record<string, unknown>;
  runtime: SaturnRuntime;
}

/** One route of the server. The handler returns the `data` of the success envelope. */
export interface SaturnRoute {
  method: string;
  /** Path with `{name}` segments, relative to the mount point. */
  path: string;
  credential: CredentialRule;
  /** Required query parameters, checked after the credential. */
  query?: string[];
  /** The body model; routes without one ignore any body. */
  body?: ModelRules;
  handler(context: SaturnContext): unknown;
}

interface Mounted {
  route: SaturnRoute;
  segments: string[];
}

/**
 * Build the request handler: request id, credential middleware, routing (404, 405, trailing
 * slash 307), body and query validation in FastAPI's order, and the answer in the right shape.
 * `onUnhandled` is called after a 500 of an unhandled exception (the fake drops the connection).
 */
export function createSaturnRouter(
  routes: SaturnRoute[],
  runtime: SaturnRuntime,
  onUnhandled: (req: IncomingMessage) => void,
) {
  const mounted: Mounted[] = routes.map((route) => ({
    route,
    segments: `${runtime.apiPrefix}${route.path}`.split('/').slice(1),
  }));
  const find = (path: string) => {
    const parts = path.split('/').slice(1);
    return mounted.flatMap((m) => {
      const params = matchFastApiPath(m.segments, parts);
      return params ? [{ route: m.route, params }] : [];
    });
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const given = req.headers['x-request-id'];
    const requestId = (Array.isArray(given) ? given[0] : given) || crypto.randomUUID();
    try {
      const auth = authenticate(req.headers.authorization, {
        jwtSecret: runtime.jwtSecret,
        apiKeys: runtime.state.apiKeys,
        nowMs: runtime.now().getTime(),
      });
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = (req.method ?? 'GET').toUpperCase();
      // Counted once the middleware let the request through, like the server's own counter.
      runtime.metrics.request_count++;
      const candidates = find(url.pathname);
      if (candidates.length === 0) {
        const trimmed = url.pathname.replace(/\/+$/, '');
        if (trimmed !== url.pathname && trimmed !== '' && find(trimmed).length > 0) {
          res.writeHead(307, {
            location: `${trimmed}${url.search}`,
            'content-length': '0',
            'x-request-id': requestId,
          });
          res.end();
          return;
        }
        throw new PlainFailure(404, 'Not Found');
      }
      const hit = candidates.find((c) => c.route.method === method);
      if (!hit) {
        const first = candidates[0]?.route.method ?? 'GET';
        throw new PlainFailure(405, 'Method Not Allowed', {
          allow: first === 'GET' ? 'GET, HEAD' : first,
        });
      }
      const { route, params } = hit;
      runtime.calls[`${method} ${route.path}`] =
        (runtime.calls[`${method} ${route.path}`] ?? 0) + 1;
      // FastAPI reads (and JSON-decodes) the body first, then runs the credential dependency,
      // then validates query and body together.
      const raw: RawBody | undefined = route.body ? await readRequestBody(req) : undefined;
      const caller = requireCredential(auth, route.credential);
      for (const name of route.query ?? []) requireQuery(url.searchParams, name);
      const body = route.body && raw ? validateBody(raw, route.body) : {};
      const data = route.handler({
        req,
        params,
        query: url.searchParams,
        requestId,
        auth: caller as SaturnAuth,
        body,
        runtime,
      });
      sendData(res, requestId, data);
    } catch (error) {
      if (error instanceof SaturnFailure) sendFailure(res, requestId, error);
      else if (error instanceof ValidationFailure) sendPlain(res, requestId, 422, error.issues);
      else if (error instanceof PlainFailure) {
        sendPlain(res, requestId, error.status, error.detail, error.headers);
      } else {
        // Anything else is an exception no handler catches: the real server's 500 path.
        runtime.lastUnhandled =
          error instanceof UnhandledServerError ? error.message : String(error);
        sendUnhandled(res, requestId);
        onUnhandled(req);
      }
    }
  };
}
