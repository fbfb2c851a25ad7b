// docs/protocols/saturn.md §2.3 (credentials, roles, permissions) and §2.4 (auth routes)
import * as v from 'valibot';

/** The permissions SATURN checks. `*` grants every one. */
export const SATURN_PERMISSIONS = [
  'agents:read',
  'agents:write',
  'sessions:read',
  'kb:read',
  'kb:write',
  'chat:write',
  'tools:read',
  'tools:write',
  'billing:read',
  'billing:write',
  'users:read',
] as const;

/** A permission SATURN checks. */
export type SaturnPermission = (typeof SATURN_PERMISSIONS)[number];

/**
 * The default role table. A JWT without `role` (or with `role: null`) acts as `viewer`; any other
 * role name has no permission. `tools:write`, `billing:write` and `users:read` are admin-only.
 */
export const SATURN_ROLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  admin: ['*'],
  operator: [
    'agents:read',
    'agents:write',
    'sessions:read',
    'kb:read',
    'kb:write',
    'chat:write',
    'tools:read',
    'billing:read',
  ],
  viewer: ['agents:read', 'sessions:read', 'kb:read', 'tools:read', 'billing:read'],
};

/** Whether `role` (a JWT's `role` claim; `null`/absent means `viewer`) grants `permission`. */
export function roleHasPermission(
  role: string | null | undefined,
  permission: string,
  table: Readonly<Record<string, readonly string[]>> = SATURN_ROLE_PERMISSIONS,
): boolean {
  const name = role || 'viewer';
  const granted = Object.hasOwn(table, name) ? (table[name] ?? []) : [];
  return granted.includes('*') || granted.includes(permission);
}

/** Whether API-key `scopes` grant `scope` (`*` grants everything). */
export function scopesGrant(scopes: readonly string[], scope: string): boolean {
  return scopes.includes('*') || scopes.includes(scope);
}

/** The credential kind: `sk_...` tokens are API keys, anything else is a JWT. */
export type CredentialKind = 'api_key' | 'jwt';

/** How SATURN classifies a bearer token: by the `sk_` prefix alone. */
export function credentialKind(token: string): CredentialKind {
  return token.startsWith('sk_') ? 'api_key' : 'jwt';
}

/** `GET /auth/me` data (JWT only): the token's own claims. `user_id` and `role` may be `null`. */
export const MeSchema = v.looseObject({
  user_id: v.nullable(v.string()),
  role: v.nullable(v.string()),
  company_id: v.string(),
});

/** `GET /auth/me` data. */
export type Me = v.InferOutput<typeof MeSchema>;

/** `GET /auth/api-key` data (API key only). */
export const ApiKeyInfoSchema = v.looseObject({
  company_id: v.string(),
  scopes: v.array(v.string()),
});

/** `GET /auth/api-key` data. */
export type ApiKeyInfo = v.InferOutput<typeof ApiKeyInfoSchema>;

/**
 * The claims SATURN reads from a JWT (HS256). `company_id` is required by the server; `exp`,
 * `nbf` and `iat` are enforced when present.
 */
export interface SaturnJwtClaims {
  company_id?: string | undefined;
  user_id?: string | null | undefined;
  role?: string | null | undefined;
  scopes?: string[] | undefined;
  exp?: number | undefined;
  nbf?: number | undefined;
  iat?: number | undefined;
  [claim: string]: unknown;
}
