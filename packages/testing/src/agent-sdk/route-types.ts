// The shape every route handler of the fake agent-sdk server shares.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseContext } from './http-io.js';
import type { FakeAgentSdkState, FakeResolvedKey } from './state.js';

/** Everything a handler needs about one request. */
export interface RouteCall {
  state: FakeAgentSdkState;
  req: IncomingMessage;
  res: ServerResponse;
  ctx: ResponseContext;
  /** The route template (`/run/{run_id}/events`). */
  path: string;
  /** The request path as sent (with `/v1` when used): what the fault injector matches. */
  requestPath: string;
  /** Path parameters (`run_id`, `session_id`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (routes with a body). */
  body: unknown;
  /** The authenticated caller (routes behind the dependency). */
  key: FakeResolvedKey;
  /** The request's `X-Request-Id`/`X-Trace-Id` after the correlation middleware. */
  requestId: string;
  traceId: string;
}

/** One route: method, path pattern, route key, the scope it needs, its handler. */
export interface FakeRoute {
  method: string;
  pattern: RegExp;
  /** Parameter names, in pattern order. */
  names: string[];
  /** `"POST /run/stream"`, `"GET /run/{run_id}"`. */
  key: string;
  /** Scope the route dependency requires; `undefined` for public routes. */
  scope: string | undefined;
  /** Whether the route reads a JSON body. */
  body: boolean;
  handler: (call: RouteCall) => void | Promise<void>;
}

/** Build a {@link FakeRoute} from a template such as `/run/{run_id}/events`. */
export function route(
  method: string,
  template: string,
  scope: string | undefined,
  handler: FakeRoute['handler'],
  body = false,
): FakeRoute {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { method, pattern, names, key: `${method} ${template}`, scope, body, handler };
}
