// docs/protocols/saturn.md §2.3 (HS256 JWTs: what the server verifies and reads)
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SaturnJwtClaims } from '@uplink/core-schemas/saturn';

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Sign `claims` as an HS256 JWT, as PyJWT's `jwt.encode(claims, secret, "HS256")` does. */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${b64url(signature)}`;
}

/** Why a token was refused (the server answers every one of these with a 500, §2.2). */
export class JwtRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'JwtRejected';
  }
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function decodePart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtRejected(`invalid ${what} encoding`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtRejected(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Verify an HS256 JWT the way PyJWT 2 does with `algorithms=["HS256"]`: three segments, an
 * `HS256` header, a matching signature, and `exp` (not yet reached), `nbf` and `iat` (not in the
 * future) when present. Returns the claims or throws {@link JwtRejected}.
 */
export function verifyJwt(token: string, secret: string, nowMs: number): SaturnJwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtRejected('not enough segments');
  const [header, payload, signature] = parts as [string, string, string];
  const head = decodePart(header, 'header');
  if (head.alg !== 'HS256') throw new JwtRejected('the specified alg value is not allowed');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new JwtRejected('signature verification failed');
  }
  const claims = decodePart(payload, 'payload');
  const now = nowMs / 1000;
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    if (name in claims && !isNumber(claims[name]))
      throw new JwtRejected(`${name} must be a number`);
  }
  if (isNumber(claims.exp) && claims.exp <= now) throw new JwtRejected('signature has expired');
  if (isNumber(claims.nbf) && claims.nbf > now) throw new JwtRejected('the token is not yet valid');
  if (isNumber(claims.iat) && claims.iat > now) throw new JwtRejected('the token is not yet valid');
  return claims as SaturnJwtClaims;
}

/** SHA-256 hex of an API key, as `SATURN_API_KEYS_JSON` and the `api_keys` table store it. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
