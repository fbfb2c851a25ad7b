// The error line that may end an NDJSON stream (see docs/client.md, "Streams as bytes"): a
// server that relays a stream to a browser cannot change the HTTP status once the body has
// started, so the failure travels as the stream's last line and becomes a typed error again.
import {
  AbortError,
  ConnectionError,
  createApiError,
  isUplinkError,
  StreamError,
  TimeoutError,
  type TimeoutKind,
  type UplinkError,
} from '@uplink/core-schemas';

/** The key of the error line that may end an NDJSON stream: `{"uplink_error": {...}}`. */
export const NDJSON_ERROR_KEY = 'uplink_error';

/**
 * The fields an error line carries besides `name` and `message`: what a reader needs to decide
 * what to do next. URLs, headers, bodies and causes stay on the server.
 */
const RECORD_FIELDS = [
  'code',
  'status',
  'retriable',
  'retryAfterMs',
  'requestId',
  'correlationId',
  'timeout',
  'timeoutMs',
  'event',
  'lastEventId',
] as const;

const TIMEOUT_KINDS = new Set<string>(['attempt', 'total', 'idle', 'wait']);

/**
 * How much of an error a relayed stream's last line tells its reader. Either way the line
 * carries the name and the fields that say what to do next (code, status, retriable,
 * retryAfterMs, timeout, request and correlation ids), never URLs, headers, bodies or causes.
 * `'safe'`: the message without URLs, IP addresses, `host:port` pairs and the name a DNS
 * failure quotes, so a server relaying a stream to browsers does not expose the upstream it
 * talks to (connection and timeout errors name the scheme, host and port they tried).
 * `'full'`: the message as it is, for relays to trusted readers (another service of yours).
 */
export type RelayedErrorDetail = 'safe' | 'full';

/** Options of the `toReadableStream()` of every Uplink stream. */
export interface ToReadableStreamOptions {
  /**
   * How much of a failure the last `{"uplink_error": {...}}` line tells: `'safe'` (no URL,
   * host or address in it) or `'full'` (the error's own message, upstream host included).
   * @default 'safe'
   */
  errors?: RelayedErrorDetail | undefined;
}

// A URL ends before trailing punctuation ("GET http://h/x: failed", "(see http://h/x).").
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*[^\s"'<>`.,;:!?)\]]/gi;
const IPV6_IN_TEXT = /\[[0-9a-f]*:[0-9a-f:.]*\](?::\d{1,5})?/gi;
const IPV4_IN_TEXT = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const HOST_PORT_IN_TEXT =
  /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*:\d{1,5}\b/gi;
const RESOLVER_HOST = /\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME)\s+[^\s)]+/g;

/** `text` without URLs, IP addresses, `host:port` pairs or the name a DNS failure quotes. */
export function withoutHosts(text: string): string {
  return text
    .replace(URL_IN_TEXT, '[url]')
    .replace(IPV6_IN_TEXT, '[host]')
    .replace(IPV4_IN_TEXT, '[host]')
    .replace(HOST_PORT_IN_TEXT, '[host]')
    .replace(RESOLVER_HOST, '$1 [host]');
}

/**
 * A JSON-safe description of `error` for an NDJSON error line: its name and message, plus the
 * fields that say what to do next (and `extraFields` of the stream's own errors). `detail`
 * says whether the message may name the upstream (see {@link RelayedErrorDetail}).
 */
export function errorToRecord(
  error: unknown,
  extraFields: readonly string[] = [],
  detail: RelayedErrorDetail = 'safe',
): Record<string, unknown> {
  const message = error instanceof Error ? error.message : String(error);
  const record: Record<string, unknown> = {
    name: error instanceof Error ? error.name : 'Error',
    message: detail === 'full' ? message : withoutHosts(message),
  };
  if (isUplinkError(error)) {
    const fields = error as unknown as Record<string, unknown>;
    for (const key of [...RECORD_FIELDS, ...extraFields]) {
      const value = fields[key];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        record[key] = value;
      }
    }
  }
  return record;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * Rebuild the error an error line describes, as the nearest class of the Uplink family:
 * `ApiError` subclasses by `status`, `AbortError`, `TimeoutError`, `ConnectionError`, and
 * `StreamError` for everything else (its `code` kept, `server_error` when it had none). The
 * line itself is kept as the error's `data` when it becomes a `StreamError`.
 */
export function errorFromRecord(value: unknown): UplinkError {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const message = text(record.message) ?? 'The stream failed on the server that relayed it';
  const status = count(record.status);
  const retriable = typeof record.retriable === 'boolean' ? record.retriable : undefined;
  if (status !== undefined && status >= 100 && status <= 599) {
    return createApiError(message, {
      status,
      code: text(record.code),
      requestId: text(record.requestId),
      correlationId: text(record.correlationId),
      retryAfterMs: count(record.retryAfterMs),
      retriable,
    });
  }
  switch (record.name) {
    case 'AbortError':
      return new AbortError(message);
    case 'TimeoutError': {
      const kind = text(record.timeout);
      return new TimeoutError(message, {
        timeout: (kind && TIMEOUT_KINDS.has(kind) ? kind : 'total') as TimeoutKind,
        timeoutMs: count(record.timeoutMs),
      });
    }
    case 'ConnectionError':
      return new ConnectionError(message);
    default:
      return new StreamError(message, {
        code: text(record.code) ?? 'server_error',
        retriable,
        event: text(record.event),
        lastEventId: text(record.lastEventId),
        correlationId: text(record.correlationId),
        data: record,
      });
  }
}
