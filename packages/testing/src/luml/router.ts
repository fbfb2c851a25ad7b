import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-io.js';
import type { ValidationIssue } from './request-validation.js';

/** One request the fake received, for assertions (`platform.requests`). */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Route key (`"POST /satellites/v1/tasks/{task_id}/status"`), or `METHOD path` when no route matched. */
  route: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** Parsed JSON body, when the handler read one. */
  body?: unknown;
  /** The authenticated satellite, when a satellite token was accepted. */
  satelliteId?: string;
  /** Response status (also for a response cut mid-body); undefined while in flight or when the connection was dropped before any response. */
  status?: number;
}

/** What a route handler receives. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters, still raw (validate them). */
  params: Record<string, string>;
  /** This request's entry in the request log. */
  record: RecordedRequest;
  /**
   * Read and parse the JSON body. An empty body gives undefined; malformed JSON pushes a
   * `json_invalid` issue (FastAPI's 422) and gives undefined.
   */
  readJson(issues: ValidationIssue[]): Promise<unknown>;
}

/** A route: method, path pattern with `{param}` segments, handler. */
export interface Route {
  method: string;
  pattern: string;
  handler(ctx: RouteContext): void | Promise<void>;
}

interface CompiledRoute extends Route {
  key: string;
  regex: RegExp;
  names: string[];
}

/** The result of matching a request against the routes. */
export type RouteMatch =
  | { kind: 'found'; route: CompiledRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; key: string }
  | { kind: 'not-found'; key: string };

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((seg) => {
      const param = /^\{(\w+)(:path)?\}$/.exec(seg);
      if (!param) return escapeRegex(seg);
      names.push(param[1] ?? '');
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return {
    ...route,
    key: `${route.method} ${route.pattern}`,
    regex: new RegExp(`^${source}$`),
    names,
  };
}

/**
 * Percent-decode a path parameter. A malformed escape (`%ZZ`, a cut UTF-8 sequence) is kept
 * as written, as Starlette's `unquote` does, so validation answers 422 instead of a crash.
 */
function decodePathParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A tiny router: first matching path wins, 405 when the path exists for another method. */
export function createRouter(routes: Route[]): (method: string, path: string) => RouteMatch {
  const compiled = routes.map(compile);
  return (method, path) => {
    let pathMatched = false;
    for (const route of compiled) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodePathParam(m[i + 1] ?? '');
      });
      return { kind: 'found', route, params };
    }
    return pathMatched
      ? { kind: 'method-not-allowed', key: `${method} ${path}` }
      : { kind: 'not-found', key: `${method} ${path}` };
  };
}

/** Build the JSON reader for a request. */
export function jsonReader(
  req: IncomingMessage,
  record: RecordedRequest,
): (issues: ValidationIssue[]) => Promise<unknown> {
  return async (issues) => {
    const raw = await readBody(req);
    if (raw.length === 0) return undefined;
    const text = raw.toString('utf8');
    try {
      const value: unknown = JSON.parse(text);
      record.body = value;
      return value;
    } catch (error) {
      record.body = text;
      issues.push({
        type: 'json_invalid',
        loc: ['body', 0],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: error instanceof Error ? error.message : String(error) },
      });
      return undefined;
    }
  };
}
