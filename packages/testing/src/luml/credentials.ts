// docs/protocols/luml.md §2 (authentication and tokens)
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Prefix of satellite keys. */
export const SATELLITE_KEY_PREFIX = 'dfssat_';
/** Prefix of user API keys. */
export const USER_KEY_PREFIX = 'dfs_';

/** A fresh satellite key: `dfssat_` + 43 URL-safe base64 chars (32 random bytes). */
export function generateSatelliteKey(): string {
  return SATELLITE_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** A fresh user API key: `dfs_` + 43 URL-safe base64 chars. */
export function generateUserKey(): string {
  return USER_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** The bearer credential of a request, classified by prefix. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'satellite'; token: string }
  | { kind: 'user-key'; token: string }
  | { kind: 'jwt'; token: string };

const cookieToken = (header: string | undefined): string | undefined => {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === 'access_token') {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 ? value : undefined;
    }
  }
  return undefined;
};

/**
 * Read the credential: the `Authorization` header must split into exactly two
 * whitespace-separated parts with scheme `bearer` (any case); without the header, the
 * `access_token` cookie is used. A malformed header is "no credential" (401 upstream).
 */
export function readCredential(req: IncomingMessage): Credential {
  const header = req.headers.authorization;
  let token: string | undefined;
  if (header !== undefined) {
    const parts = header.trim().split(/\s+/);
    if (parts.length !== 2 || parts[0]?.toLowerCase() !== 'bearer') return { kind: 'none' };
    token = parts[1];
  } else {
    token = cookieToken(req.headers.cookie);
  }
  if (!token) return { kind: 'none' };
  if (token.startsWith(SATELLITE_KEY_PREFIX)) return { kind: 'satellite', token };
  if (token.startsWith(USER_KEY_PREFIX)) return { kind: 'user-key', token };
  return { kind: 'jwt', token };
}
