import { isSecretField, isSecretQueryParam, SECRET_HEADER_NAMES } from './secret-names.js';

/** The placeholder that replaces every redacted value. */
export const REDACTED = '[REDACTED]';

/** `Bearer <credential>`, wherever it appears (an echoed header, a log line). */
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/g;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/**
 * An echoed credential header, `X-API-Key: <key>` or `"authorization": "Basic <x>"`. The name
 * must not follow a word character, a dot or a dash, so a validation message such as
 * `header.authorization: Field required` is left alone. `Bearer` is the pattern above.
 */
const HEADER_ECHO = new RegExp(
  `(?<![\\w.-])(${[...SECRET_HEADER_NAMES].map(escapeRegExp).join('|')})(["']?[ \\t]*:[ \\t]*["']?)((?:Basic|Token|Digest|Negotiate)[ \\t]+)?(?!Bearer\\b)([^\\s,;"']+)`,
  'gi',
);

/** `name=value`, after the start, a space, a quote, a bracket or a query separator. */
const PAIR = /(^|[?&\s"'(,;])([A-Za-z][\w.-]*)=([^&\s"'<>#,;)]+)/g;

/** `"name": "value"` in JSON text that was not parsed (a text body, a log line). */
const JSON_PAIR = /"([^"\\\n]{1,64})"(\s*:\s*)"(?:[^"\\\n]|\\.)*"/g;

/** Name endings that make a bare `name=value` pair a credential (`session_token=...`). */
const SECRET_SUFFIX = /(?:token|signature|credential|secret|password)$/i;

/**
 * In a bare `name=value` outside a query string, `value=` is prose as often as not; there the
 * field list applies without it, plus the secret endings.
 */
function isSecretBareName(name: string): boolean {
  return (
    (isSecretField(name) && name.toLowerCase() !== 'value') ||
    SECRET_SUFFIX.test(name.replace(/[-_]/g, ''))
  );
}

/**
 * Redact credentials by position in free text, whatever their length: `Bearer <x>`, echoed
 * credential headers, `name=value` pairs whose name is secret (query pairs use the URL list),
 * and `"name": "value"` pairs whose name is a secret field. Ordinary words are never touched
 * by value here, so a short key such as `valid` leaves "invalid" intact.
 */
export function redactCredentialPatterns(text: string): string {
  let out = text;
  if (out.includes('Bearer')) out = out.replace(BEARER, `Bearer ${REDACTED}`);
  if (out.includes(':')) {
    out = out.replace(
      HEADER_ECHO,
      (_match, name: string, separator: string, scheme: string | undefined) =>
        `${name}${separator}${scheme ?? ''}${REDACTED}`,
    );
  }
  if (out.includes('=')) {
    out = out.replace(PAIR, (match, lead: string, name: string) => {
      const secret =
        lead === '?' || lead === '&' ? isSecretQueryParam(name) : isSecretBareName(name);
      return secret ? `${lead}${name}=${REDACTED}` : match;
    });
  }
  if (out.includes('"')) {
    out = out.replace(JSON_PAIR, (match, name: string, separator: string) =>
      isSecretField(name) ? `"${name}"${separator}"${REDACTED}"` : match,
    );
  }
  return out;
}
