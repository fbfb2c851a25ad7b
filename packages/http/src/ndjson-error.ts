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

/** A JSON-safe description of `error` for an NDJSON error line. */
export function errorToRecord(
  error: unknown,
  extraFields: readonly string[] = [],
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
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
