// docs/protocols/saturn.md §2.3 (sk_ keys vs JWTs; the claims SATURN reads)
import { credentialKind, type SaturnJwtClaims } from '@uplink/core-schemas/saturn';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * Why `token` cannot be a SATURN credential, or `undefined` when it can: printable ASCII
 * without spaces, and either `sk_...` or a three-part JWT. Never mentions the value.
 */
export function checkTokenShape(token: string): string | undefined {
  if (token.trim() === '') return 'expected a non-empty credential';
  if (!PRINTABLE.test(token)) {
    return 'expected printable ASCII without spaces or line breaks (check for a stray newline or whitespace)';
  }
  if (credentialKind(token) === 'jwt' && !JWT_SHAPE.test(token)) {
    return 'expected an sk_ API key or a JWT (three base64url parts separated by dots); SATURN treats anything not starting with sk_ as a JWT';
  }
  return undefined;
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * The claims of a JWT, read without verifying it (the client cannot: the secret is the
 * server's), or `undefined` when the payload is not a JSON object. Used only to explain errors.
 */
export function readJwtClaims(token: string): SaturnJwtClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = decodeSegment(payload);
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as SaturnJwtClaims)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What the client knows about the credential of one request, for error messages. */
export interface CredentialFacts {
  kind: 'api_key' | 'jwt' | 'none';
  /** The JWT's claims (unverified), when readable. */
  claims?: SaturnJwtClaims | undefined;
  /** Whether a request with this same credential has already succeeded. */
  proven: boolean;
}

/** A problem the client can see in a JWT itself: expired, not yet valid, no `company_id`. */
export function jwtProblem(claims: SaturnJwtClaims | undefined, nowMs: number): string | undefined {
  if (!claims) return 'the JWT payload is not readable JSON';
  const now = nowMs / 1000;
  if (typeof claims.exp === 'number' && claims.exp <= now) {
    return `the JWT expired at ${new Date(claims.exp * 1000).toISOString()} (its exp claim)`;
  }
  if (typeof claims.nbf === 'number' && claims.nbf > now) {
    return `the JWT is not valid before ${new Date(claims.nbf * 1000).toISOString()} (its nbf claim)`;
  }
  if (!claims.company_id) return 'the JWT has no company_id claim, which SATURN requires';
  return undefined;
}
