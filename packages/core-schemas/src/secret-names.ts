/**
 * The deny lists: which header names, JSON field names and URL query parameter names carry a
 * credential. A value found in one of these positions is always redacted, however short it is
 * (a llama-orch v1 key is the five letters `valid`).
 */

/** Header names (lower case) whose values are never shown. */
export const SECRET_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-amz-security-token',
  'cookie',
  'set-cookie',
]);

/** Field and query-parameter names (compared case-insensitively, `_`/`-` ignored) whose values are never shown. */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'sessiontoken',
  'securitytoken',
  'apikey',
  'secret',
  'secretvalue',
  'password',
  'authorization',
  'value',
  'xapikey',
  'cookie',
  'clientsecret',
  'privatekey',
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
  'xgoogsignature',
  'xgoogcredential',
]);

/**
 * Query-parameter names (normalised like fields) that only a URL makes secret: the signature
 * of an Azure SAS (`sig`), a CloudFront signed URL (`Signature`, `Policy`) and a Google API
 * key (`key`). As JSON fields these words are ordinary data, so they are not field names.
 */
export const SECRET_QUERY_NAMES: ReadonlySet<string> = new Set([
  'sig',
  // Stryker disable next-line StringLiteral: also matched by the `signature` ending below; listed for CloudFront's parameter name
  'signature',
  'policy',
  'key',
  // Stryker disable next-line StringLiteral: also matched by the `credential` ending below; listed beside the other URL-only names
  'credential',
]);

/** Endings that make a query parameter secret: `X-Amz-Security-Token`, `sas_token`, `X-Goog-Signature`, ... */
const SECRET_QUERY_SUFFIX = /(?:token|signature|credential|secret|password)$/;

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
 * True when a URL query parameter carries a secret: every secret field name, the URL-only
 * names of {@link SECRET_QUERY_NAMES}, and any name ending in `token`, `signature`,
 * `credential`, `secret` or `password` (presigned S3, GCS and Azure URLs included).
 */
export function isSecretQueryParam(name: string): boolean {
  const normalised = normaliseName(name);
  return (
    SECRET_FIELD_NAMES.has(normalised) ||
    SECRET_QUERY_NAMES.has(normalised) ||
    SECRET_QUERY_SUFFIX.test(normalised)
  );
}
