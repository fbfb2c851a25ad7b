import { type ApiError, createApiError, redactText, redactValue } from '@uplink/core-schemas';
import {
  describeErrorBody,
  MAX_ERROR_BODY_BYTES,
  parseRetryAfter,
  readBodyText,
} from '@uplink/http';

/** What an object store's XML error said, and nothing else (no key ids, signatures or string-to-sign). */
export interface XmlErrorSummary {
  format: 'xml';
  /** The store's error code (`SignatureDoesNotMatch`, `AccessDenied`, `AuthenticationFailed`). */
  code: string | undefined;
  /** The store's message, one line, at most 300 characters. */
  message: string | undefined;
}

const MAX_TEXT = 300;

/**
 * The values of the URL's query parameters: in a presigned URL they are signatures, key ids and
 * session tokens, and an error page may echo them. Short values (`r`, dates) are not secrets.
 */
export function querySecrets(url: string): string[] {
  try {
    return [...new URL(url).searchParams.values()].filter((value) => value.length >= 8);
  } catch {
    return [];
  }
}

/**
 * Map a non-2xx download response to the `ApiError` for its status. The body is read only up to
 * `MAX_ERROR_BODY_BYTES` (the rest is cancelled, never buffered). S3, MinIO and Azure answer
 * with XML that carries the access key id, the signature and the string to sign: only its
 * `Code` and `Message` are kept. Other bodies get the transport's summary (JSON, HTML title,
 * one line of text). `shownUrl` has no query; `secrets` are scrubbed from what is kept.
 */
export async function downloadResponseError(
  response: Response,
  shownUrl: string,
  secrets: readonly string[],
): Promise<ApiError> {
  const text = await readBodyText(response, MAX_ERROR_BODY_BYTES).catch(() => '');
  const contentType = response.headers.get('content-type');
  const xml = isXml(text, contentType) ? summariseXmlError(text) : undefined;
  let code: string | undefined;
  let message: string | undefined;
  let body: unknown;
  if (xml) {
    code = xml.code;
    message = `${xml.message ?? 'no message'} (XML error body)`;
    body = redactValue(xml, secrets);
  } else {
    const details = describeErrorBody(text, contentType);
    code = details.code;
    message = details.message;
    body = redactValue(details.body, secrets);
  }
  // As the transport words it: `HTTP 403 SignatureDoesNotMatch: …`, `HTTP 404: HTML page: …`.
  const status = `HTTP ${response.status}${code ? ` ${code}` : ''}`;
  return createApiError(
    redactText(
      `Download of ${shownUrl} failed: ${message ? `${status}: ${message}` : status}`,
      secrets,
    ),
    {
      status: response.status,
      code,
      requestId: requestIdOf(response.headers),
      method: 'GET',
      url: shownUrl,
      body,
      retryAfterMs: parseRetryAfter(response.headers),
    },
  );
}

function isXml(text: string, contentType: string | null): boolean {
  if (contentType && /\bxml\b/i.test(contentType) && !/html/i.test(contentType)) return true;
  return /^\uFEFF?\s*(<\?xml\b|<Error\b)/.test(text) && !/<html\b/i.test(text.slice(0, 1024));
}

/** The `Code` and `Message` of an object store's XML error; every other element is dropped. */
export function summariseXmlError(xml: string): XmlErrorSummary {
  return { format: 'xml', code: element(xml, 'Code'), message: element(xml, 'Message') };
}

function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  if (!match?.[1]) return undefined;
  const text = decodeEntities(match[1].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1'))
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return undefined;
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function requestIdOf(headers: Headers): string | undefined {
  return (
    headers.get('x-amz-request-id') ??
    headers.get('x-ms-request-id') ??
    headers.get('x-request-id') ??
    undefined
  );
}
