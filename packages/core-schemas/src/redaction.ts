/**
 * Redaction lives here, at the bottom of the stack, because the error classes need it and
 * core-schemas may not import @uplink/http. `@uplink/http` re-exports it for loggers.
 * One list of secret names serves headers, JSON fields and URL query parameters.
 */

/** The placeholder that replaces every redacted value. */
export const REDACTED = '[REDACTED]';

/** Header names (lower case) whose values are never shown. */
export const SECRET_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'set-cookie',
]);

/** Field and query-parameter names (compared case-insensitively, `_`/`-` ignored) whose values are never shown. */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'token',
  'accesstoken',
  'refreshtoken',
  'apikey',
  'secret',
  'secretvalue',
  'password',
  'authorization',
  'value',
  'xapikey',
  'cookie',
  'clientsecret',
]);

const normaliseName = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/** True when a header name carries a credential. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER_NAMES.has(name.toLowerCase());
}

/** True when a JSON field or query parameter name carries a secret. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD_NAMES.has(normaliseName(name));
}

/**
 * Replace every occurrence of the given secret values in a string.
 * Values shorter than 4 characters are ignored: replacing them would shred ordinary text.
 */
export function redactText(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  // Bearer credentials that slipped into free text (for example an echoed header).
  return out.replace(/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/g, `$1 ${REDACTED}`);
}

/** Redact secret query values (and userinfo) in a URL; returns the input unchanged if it is not a URL. */
export function redactUrl(url: string | URL, secrets: Iterable<string | undefined> = []): string {
  const text = String(url);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return redactText(text, secrets);
  }
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretField(key)) parsed.searchParams.set(key, REDACTED);
  }
  // URLSearchParams.set percent-encodes the brackets; show the placeholder as written.
  return redactText(parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED), secrets);
}

/** Headers as a plain object with credential values replaced. */
export function redactHeaders(
  headers: Headers | Record<string, string | undefined> | undefined,
  secrets: Iterable<string | undefined> = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries: Iterable<[string, string | undefined]> =
    headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    out[name] = isSecretHeader(name) ? REDACTED : redactText(value, secrets);
  }
  return out;
}

/**
 * Deep-copy a JSON-like value with secret fields replaced and known secret values scrubbed
 * from every string. Cycles and depth beyond 20 levels are cut rather than followed.
 */
export function redactValue<T>(value: T, secrets: Iterable<string | undefined> = []): T {
  const secretList = [...secrets];
  const seen = new WeakSet<object>();
  const walk = (input: unknown, depth: number): unknown => {
    if (typeof input === 'string') return redactText(input, secretList);
    if (input === null || typeof input !== 'object') return input;
    if (depth > 20 || seen.has(input)) return '[Circular]';
    seen.add(input);
    if (Array.isArray(input)) return input.map((item) => walk(item, depth + 1));
    if (input instanceof Error)
      return walk({ name: input.name, message: input.message }, depth + 1);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(input)) {
      out[key] =
        isSecretField(key) && item !== null && item !== undefined
          ? REDACTED
          : walk(item, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}
