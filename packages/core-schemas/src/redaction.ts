/**
 * Redaction lives here, at the bottom of the stack, because the error classes need it and
 * core-schemas may not import @uplink/http. `@uplink/http` re-exports it for loggers.
 *
 * Two rules keep it both safe and harmless to ordinary text:
 * - By position: a value in a credential position (a secret header, URL userinfo, a secret
 *   query parameter or JSON field, `Bearer <x>`, an echoed `X-API-Key: <x>`) is always
 *   redacted, however short.
 * - By value: a known secret is searched for in free text only when it is at least
 *   {@link MIN_SCANNED_SECRET_LENGTH} characters long. A shorter one (llama-orch v1's only key
 *   is the word `valid`) would shred ordinary words ("invalid"), and is still caught in every
 *   credential position.
 */
import { REDACTED, redactCredentialPatterns } from './credential-patterns.js';
import { isSecretField, isSecretHeader, isSecretQueryParam } from './secret-names.js';

export { REDACTED } from './credential-patterns.js';
export * from './secret-names.js';

/**
 * Shortest secret searched for by value in free text. Shorter secrets are redacted only in
 * credential positions (headers, URL userinfo and query, secret fields, `Bearer <x>`).
 */
export const MIN_SCANNED_SECRET_LENGTH = 8;

/** URLs inside free text; trailing punctuation is left to the sentence. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]*[^\s"'<>.,;:!?)\]}]/gi;
const ENCODED_REDACTED = encodeURIComponent(REDACTED);

/** `encodeURIComponent`, or the input when it holds a lone surrogate (which would throw). */
function encoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Replace each long-enough secret, as written and percent-encoded (as it appears in a URL). */
function redactSecretValues(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SCANNED_SECRET_LENGTH) continue;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    const escaped = encoded(secret);
    // Stryker disable next-line LogicalOperator: the guards only skip work; a secret that needs no encoding was replaced on the line above
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/** Redact the secret entries of `name=value` parameters; true when one was secret. */
function redactParams(params: URLSearchParams): boolean {
  let changed = false;
  for (const key of new Set(params.keys())) {
    if (isSecretQueryParam(key)) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed;
}

/**
 * Userinfo, secret query parameters and secret fragment parameters (`#access_token=`) of one
 * URL; `undefined` when `text` is not a URL. When nothing changed and `normalise` is false,
 * `text` itself (URLs inside free text keep their spelling).
 */
function redactUrlParts(text: string, normalise: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return undefined;
  }
  let changed = false;
  if (parsed.username) {
    parsed.username = REDACTED;
    changed = true;
  }
  if (parsed.password) {
    parsed.password = REDACTED;
    changed = true;
  }
  if (parsed.search && redactParams(parsed.searchParams)) changed = true;
  if (parsed.hash.includes('=')) {
    const fragment = new URLSearchParams(parsed.hash.slice(1));
    if (redactParams(fragment)) {
      parsed.hash = fragment.toString();
      changed = true;
    }
  }
  if (!changed && !normalise) return text;
  // URL serialisation percent-encodes the brackets; show the placeholder as written.
  return parsed.toString().replaceAll(ENCODED_REDACTED, REDACTED);
}

/**
 * Redact free text: every URL in it (userinfo, secret query and fragment parameters), every
 * known secret of at least {@link MIN_SCANNED_SECRET_LENGTH} characters, and credentials in
 * credential positions (`Bearer <x>`, `X-API-Key: <x>`, `api_key=<x>`, `"token": "<x>"`).
 */
// Stryker disable next-line ArrayDeclaration: the default is "no known secrets"; a non-empty default only matches text that contains it
export function redactText(text: string, secrets: Iterable<string | undefined> = []): string {
  // Stryker disable next-line StringLiteral: a fast path; text without `://` holds no URL for the pattern to find
  const urls = text.includes('://')
    ? text.replace(URL_IN_TEXT, (url) => redactUrlParts(url, false) ?? url)
    : text;
  return redactCredentialPatterns(redactSecretValues(urls, secrets));
}

/**
 * Redact a URL: userinfo, the values of secret query parameters (tokens, keys, and the
 * signatures and credentials of presigned S3, GCS and Azure URLs; see `isSecretQueryParam`),
 * and known secrets. A string that is not a URL is redacted as free text.
 */
// Stryker disable next-line ArrayDeclaration: the default is "no known secrets"; a non-empty default only matches text that contains it
export function redactUrl(url: string | URL, secrets: Iterable<string | undefined> = []): string {
  const text = String(url);
  const parts = redactUrlParts(text, true);
  if (parts === undefined) return redactText(text, secrets);
  return redactCredentialPatterns(redactSecretValues(parts, secrets));
}

/**
 * Set an own, enumerable data property. Plain assignment of `__proto__` would replace the
 * object's prototype instead; a server chooses these keys.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
}

/** Headers as a plain object with credential values replaced. */
export function redactHeaders(
  headers: Headers | Record<string, string | undefined> | undefined,
  // Stryker disable next-line ArrayDeclaration: the default is "no known secrets"; a non-empty default only matches text that contains it
  secrets: Iterable<string | undefined> = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const list = [...secrets];
  const entries: Iterable<[string, string | undefined]> =
    headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    setOwn(out, name, isSecretHeader(name) ? REDACTED : redactText(value, list));
  }
  return out;
}

/**
 * Deep-copy a JSON-like value with secret fields replaced and every string redacted as free
 * text ({@link redactText}). Keys a server chose (`__proto__`, `constructor`, `prototype`)
 * stay plain data: no prototype is replaced and nothing reaches `Object.prototype`. Cycles
 * and depth beyond 20 levels are cut rather than followed.
 */
// Stryker disable next-line ArrayDeclaration: the default is "no known secrets"; a non-empty default only matches text that contains it
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
      setOwn(
        out,
        key,
        isSecretField(key) && item !== null && item !== undefined
          ? REDACTED
          : walk(item, depth + 1),
      );
    }
    return out;
  };
  return walk(value, 0) as T;
}
