/** The request an {@link AuthStrategy} is asked to sign. */
export interface AuthRequest {
  /** Full request URL. */
  url: string;
  /** HTTP method, upper case. */
  method: string;
}

/**
 * Produces the credential headers for one attempt. Called before every attempt, so a
 * function-valued token can rotate between retries. The returned values are treated as
 * secrets: they are scrubbed from logs and errors.
 */
export type AuthStrategy = (
  request: AuthRequest,
) => Record<string, string> | Promise<Record<string, string>>;

/** A credential, fixed or produced on demand (for rotating tokens). */
export type CredentialSource = string | (() => string | Promise<string>);

const resolve = (source: CredentialSource): string | Promise<string> =>
  typeof source === 'function' ? source() : source;

/** `Authorization: Bearer <token>`. */
export function bearer(token: CredentialSource): AuthStrategy {
  return async () => ({ Authorization: `Bearer ${await resolve(token)}` });
}

/** A single credential header, for example `header('X-API-Key', key)`. */
export function header(name: string, value: CredentialSource): AuthStrategy {
  return async () => ({ [name]: await resolve(value) });
}
