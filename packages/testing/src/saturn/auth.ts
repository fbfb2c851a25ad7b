// docs/protocols/saturn.md §2.3 (credentials, per-route rules, roles) and §2.6 (middleware 500s)
import { roleHasPermission, scopesGrant } from '@uplink/core-schemas/saturn';
import { SaturnFailure, UnhandledServerError } from './http-io.js';
import { hashApiKey, JwtRejected, verifyJwt } from './jwt.js';
import type { FakeApiKeyRecord } from './state.js';

/** Who is calling, as the middleware resolved it. */
export interface SaturnAuth {
  kind: 'api_key' | 'jwt';
  company_id: string;
  user_id: string | null;
  /** API keys act as `admin`; a JWT's `role` claim, `null` when sent as null. */
  role: string | null;
  scopes: string[];
}

/** The bearer token, or `undefined` for no header, another scheme, or an empty token. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = value.slice(space + 1).trim();
  return token === '' ? undefined : token;
}

/** What {@link authenticate} needs from the fake. */
export interface AuthConfig {
  jwtSecret: string;
  apiKeys: Map<string, FakeApiKeyRecord>;
  nowMs: number;
}

const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];

/**
 * The middleware: no credential is `undefined`; an `sk_` token must be a known active key; any
 * other token must be a valid JWT with a `company_id`. Every refusal is an
 * {@link UnhandledServerError}: the real server answers them with a 500, not a 401.
 */
export function authenticate(
  header: string | string[] | undefined,
  config: AuthConfig,
): SaturnAuth | undefined {
  const token = bearerToken(header);
  if (token === undefined) return undefined;
  if (token.startsWith('sk_')) {
    const record = config.apiKeys.get(hashApiKey(token));
    if (record?.status !== 'active') throw new UnhandledServerError('api key refused');
    return {
      kind: 'api_key',
      company_id: record.company_id,
      user_id: null,
      role: 'admin',
      scopes: record.scopes,
    };
  }
  let claims: Record<string, unknown>;
  try {
    claims = verifyJwt(token, config.jwtSecret, config.nowMs);
  } catch (error) {
    if (error instanceof JwtRejected)
      throw new UnhandledServerError(`jwt refused: ${error.message}`);
    throw error;
  }
  const company = claims.company_id;
  if (!company) throw new UnhandledServerError('jwt without company_id');
  return {
    kind: 'jwt',
    company_id: company as string,
    user_id: typeof claims.user_id === 'string' ? claims.user_id : null,
    role: 'role' in claims ? ((claims.role as string | null) ?? null) : 'viewer',
    scopes: stringList(claims.scopes),
  };
}

/** Which credential a route takes. */
export type CredentialRule = 'jwt' | 'api_key' | 'any' | 'none';

/** The route's credential dependency: a missing or wrong-kind credential is 401 `AUTH_INVALID`. */
export function requireCredential(
  auth: SaturnAuth | undefined,
  rule: CredentialRule,
): SaturnAuth | undefined {
  if (rule === 'none') return auth;
  if (!auth) throw new SaturnFailure('AUTH_INVALID');
  if (rule === 'jwt' && auth.kind !== 'jwt') throw new SaturnFailure('AUTH_INVALID');
  if (rule === 'api_key' && auth.kind !== 'api_key') throw new SaturnFailure('AUTH_INVALID');
  return auth;
}

/** `require_permission`: the role table decides; a missing permission is 403 `AUTH_FORBIDDEN`. */
export function requirePermission(
  auth: SaturnAuth,
  permission: string,
  table: Readonly<Record<string, readonly string[]>>,
): void {
  if (!roleHasPermission(auth.role, permission, table)) throw new SaturnFailure('AUTH_FORBIDDEN');
}

/** Chat's rule: a JWT needs the `chat:write` permission, an API key the `chat:write` scope. */
export function requireChat(
  auth: SaturnAuth,
  table: Readonly<Record<string, readonly string[]>>,
): void {
  if (auth.kind === 'jwt') requirePermission(auth, 'chat:write', table);
  else if (!scopesGrant(auth.scopes, 'chat:write')) throw new SaturnFailure('AUTH_FORBIDDEN');
}
