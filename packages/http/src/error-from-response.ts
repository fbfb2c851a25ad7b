// docs/protocols/llama-orch.md §11 (error envelope, non-envelope bodies).
// Every non-2xx becomes one ApiError subclass chosen by status, keeping status, code, request
// id, headers and the raw body.
import {
  type ApiError,
  createApiError,
  redactHeaders,
  redactText,
  redactUrl,
  redactValue,
} from '@uplink/core-schemas';
import { parseRetryAfter } from './parse-retry-after.js';
import { MAX_ERROR_BODY_BYTES, readBodyText } from './read-body.js';
import { isHtml, summariseHtml, summariseText, truncate } from './summarise-body.js';

/** What {@link errorFromResponse} knows about the request that failed. */
export interface ErrorContext {
  /** HTTP method of the request. */
  method?: string | undefined;
  /** Request URL; it is redacted before it is stored or shown. */
  url?: string | undefined;
  /** Secret values (tokens, keys) to scrub from the message, body and headers. */
  secrets?: Iterable<string | undefined> | undefined;
  /** The body text, when the caller has already read it (the response body is then not read). */
  bodyText?: string | undefined;
}

/** What the body said, in our terms. */
export interface ServerErrorDetails {
  /** The server's message, one line. */
  message: string | undefined;
  /** The server's machine-readable code. */
  code: string | undefined;
  /** The server's retriable flag (llama-orch envelope). */
  retriable: boolean | undefined;
  /** The parsed body: JSON value, an HTML summary, the text, or undefined when empty. */
  body: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

function describeDetailItem(item: unknown): string {
  if (!isRecord(item)) return String(item);
  const loc = Array.isArray(item.loc) ? item.loc.map(String).join('.') : undefined;
  const msg = str(item.msg) ?? str(item.message) ?? JSON.stringify(item);
  return loc ? `${loc}: ${msg}` : msg;
}

/** Pull message, code and retriable out of every body shape our servers send. */
export function describeErrorBody(text: string, contentType: string | null): ServerErrorDetails {
  // Stryker disable next-line ObjectLiteral: every field is undefined; an empty object reads the same
  const none: ServerErrorDetails = {
    message: undefined,
    code: undefined,
    retriable: undefined,
    body: undefined,
  };
  if (text.trim() === '') return none;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const summary = isHtml(text, contentType) ? summariseHtml(text) : summariseText(text);
    return { ...none, message: summary, body: summary };
  }
  if (!isRecord(json)) {
    return { ...none, message: truncate(typeof json === 'string' ? json : text), body: json };
  }
  const out: ServerErrorDetails = { ...none, body: json };
  const { detail, error } = json;
  if (typeof detail === 'string') out.message = detail;
  else if (Array.isArray(detail)) out.message = detail.map(describeDetailItem).join('; ');
  else if (isRecord(detail)) out.message = str(detail.message) ?? JSON.stringify(detail);
  if (isRecord(error)) {
    out.code = str(error.code) ?? (typeof error.code === 'number' ? String(error.code) : undefined);
    out.message ??= str(error.message) ?? str(error.detail);
  } else if (typeof error === 'string') {
    out.message ??= error;
  }
  out.code ??= str(json.code) ?? str(json.error_code);
  out.message ??= str(json.message) ?? str(json.error_description) ?? out.code;
  if (str(json.hint) && out.message) out.message += ` (hint: ${json.hint as string})`;
  if (typeof json.retriable === 'boolean') out.retriable = json.retriable;
  if (out.message) out.message = truncate(out.message.replace(/\s+/g, ' ').trim());
  return out;
}

function requestIdFrom(headers: Headers, body: unknown): string | undefined {
  const header = headers.get('x-request-id') ?? headers.get('request-id');
  if (header) return header;
  const meta = isRecord(body) ? body.meta : undefined;
  return isRecord(meta) ? str(meta.request_id) : undefined;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * Turn a non-2xx response into the matching {@link ApiError} subclass, with status, code,
 * message, request and correlation ids and the retry hint taken from whatever the server
 * sent: `{detail}` (string or a list of `{loc, msg}`), the llama-orch envelope, `{error:{code,
 * message}}`, `{error: "..."}`, plain text, HTML (summarised) or nothing. Every value is
 * redacted: secret headers and fields, and each value in `ctx.secrets`.
 */
export async function errorFromResponse(
  response: Response,
  ctx: ErrorContext = {},
): Promise<ApiError> {
  // Stryker disable next-line ArrayDeclaration: the default is "no known secrets"; a non-empty default only matches text that contains it
  const secrets = [...(ctx.secrets ?? [])];
  let text = ctx.bodyText;
  if (text === undefined) {
    try {
      text = await readBodyText(response, MAX_ERROR_BODY_BYTES);
    } catch {
      text = '';
    }
  }
  const details = describeErrorBody(text, response.headers.get('content-type'));
  const url = ctx.url === undefined ? undefined : redactUrl(ctx.url, secrets);
  const statusText = response.statusText || (response.status >= 500 ? 'Server Error' : 'Error');
  const serverMessage = details.message ?? `${statusText} (empty body)`;
  const where = ctx.method && url ? ` on ${ctx.method} ${pathOf(url)}` : '';
  const codePart = details.code ? ` ${details.code}` : '';
  const message = redactText(
    `HTTP ${response.status}${codePart}${where}: ${serverMessage}`,
    secrets,
  );
  return createApiError(message, {
    status: response.status,
    code: details.code,
    requestId: requestIdFrom(response.headers, details.body),
    correlationId: response.headers.get('x-correlation-id') ?? undefined,
    headers: redactHeaders(response.headers, secrets),
    body: redactValue(details.body, secrets),
    method: ctx.method,
    url,
    retriable: details.retriable,
    retryAfterMs: parseRetryAfter(response.headers, details.body),
  });
}
