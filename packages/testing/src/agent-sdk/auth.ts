// docs/protocols/agent-sdk.md §1.2: the two layers that check credentials, JWT mode, scopes,
// rate limits and the org and project rules.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isObject } from '../http-io.js';
import { type FakeAgentSdkRole, scopesForRole } from './options.js';
import type { FakeAgentSdkState, FakeResolvedKey } from './state.js';

/** An HTTPException: status and `detail`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : 'validation error');
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
};

/** Paths the key middleware guards: bare `/run…`, `/sessions…`, `/tools…` (before the `/v1` strip). */
export function middlewareGuards(originalPath: string): boolean {
  return /^\/(run|sessions|tools)/.test(originalPath);
}

/**
 * The key middleware's answer for a guarded path, or `undefined` to go on. It ignores JWTs and
 * answers with a `hint` and none of the usual headers.
 */
export function middlewareRefusal(
  state: FakeAgentSdkState,
  req: IncomingMessage,
): { detail: string; hint: string } | undefined {
  const key = header(req, 'x-api-key');
  if (!key) {
    return {
      detail: 'Missing API key in X-API-Key header',
      hint: 'Set API_KEY env var or pass X-API-Key header.',
    };
  }
  if (!state.keys.has(key)) {
    return { detail: 'Invalid API key', hint: 'Ensure X-API-Key matches the API_KEY env var.' };
  }
  return undefined;
}

const b64url = (text: string): Buffer => Buffer.from(text, 'base64url');

/** `_verify_jwt`: HS256 signature, then `exp`. */
function verifyJwt(token: string, secret: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new HttpError(500, 'Internal server error');
  const [head, body, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = b64url(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, 'Invalid JWT signature');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(b64url(body).toString('utf8'));
  } catch {
    throw new HttpError(500, 'Internal server error');
  }
  if (!isObject(claims)) throw new HttpError(500, 'Internal server error');
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    throw new HttpError(401, 'JWT expired');
  }
  return claims;
}

const windows = new WeakMap<FakeAgentSdkState, Map<string, { start: number; count: number }>>();

/** `APIKeyRateLimiter.allow`: fixed one-minute windows. */
function allowRate(state: FakeAgentSdkState, id: string, limit: number | undefined): boolean {
  if (!limit || limit <= 0) return true;
  let byKey = windows.get(state);
  if (!byKey) {
    byKey = new Map();
    windows.set(state, byKey);
  }
  const now = Date.now();
  let window = byKey.get(id);
  if (!window || now - window.start >= 60_000) {
    window = { start: now, count: 0 };
    byKey.set(id, window);
  }
  window.count++;
  return window.count <= limit;
}

/**
 * The route dependency (`verify_api_key` + `get_api_key_info`): a JWT when JWT mode is on and
 * a Bearer is sent, else `X-API-Key`. Throws the dependency's 401/429.
 */
export function authenticate(state: FakeAgentSdkState, req: IncomingMessage): FakeResolvedKey {
  const authorization = header(req, 'authorization');
  if (state.jwtSecret && authorization?.toLowerCase().startsWith('bearer ')) {
    const claims = verifyJwt(authorization.slice(7).trim(), state.jwtSecret);
    const role = (typeof claims.role === 'string' ? claims.role : 'developer') as FakeAgentSdkRole;
    let scopes = claims.scopes;
    if (typeof scopes === 'string')
      scopes = scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    const info: FakeResolvedKey = {
      key: typeof claims.sub === 'string' ? claims.sub : 'jwt',
      orgId: typeof claims.org_id === 'string' ? claims.org_id : 'default',
      projectId: typeof claims.project_id === 'string' ? claims.project_id : undefined,
      role,
      scopes: Array.isArray(scopes) && scopes.length > 0 ? scopes.map(String) : scopesForRole(role),
      rateLimitPerMinute:
        typeof claims.rate_limit_per_minute === 'number' ? claims.rate_limit_per_minute : undefined,
    };
    if (!allowRate(state, info.key, info.rateLimitPerMinute)) {
      throw new HttpError(429, 'Rate limit exceeded');
    }
    return info;
  }
  const key = header(req, 'x-api-key');
  if (!key) throw new HttpError(401, 'Missing API key in X-API-Key header');
  const info = state.keys.get(key);
  if (!info) throw new HttpError(401, 'Invalid API key');
  if (!allowRate(state, info.key, info.rateLimitPerMinute)) {
    throw new HttpError(429, 'Rate limit exceeded');
  }
  return info;
}

/** `require_scopes`: 403 `Forbidden` without the scope (`*` has every scope). */
export function requireScope(info: FakeResolvedKey, scope: string): void {
  if (info.scopes.includes('*') || info.scopes.includes(scope)) return;
  throw new HttpError(403, 'Forbidden');
}

/** `_org_id_from_request`: the header, else the key's org (creating routes only), else `default`. */
export function orgFrom(req: IncomingMessage, info?: FakeResolvedKey): string {
  return header(req, 'x-org-id') ?? info?.orgId ?? 'default';
}

/** `_project_id_from_request` plus the project lookup of the creating routes. */
export function projectFrom(
  state: FakeAgentSdkState,
  req: IncomingMessage,
  info: FakeResolvedKey,
  orgId: string,
): string | undefined {
  const requested = header(req, 'x-project-id');
  let project = requested;
  if (info.projectId) {
    if (requested && requested !== info.projectId) {
      throw new HttpError(403, 'Project scope mismatch');
    }
    project = info.projectId;
  }
  if (project !== undefined && state.projects.get(project) !== orgId) {
    throw new HttpError(404, 'Project not found');
  }
  return project;
}
