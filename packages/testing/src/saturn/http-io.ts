// docs/protocols/saturn.md §2.1 (envelopes, plain FastAPI bodies, X-Request-Id) and §2.2 (codes)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SATURN_ERROR_CODES, type SaturnErrorCode } from '@uplink/core-schemas/saturn';
import { BodyReadError, type PydanticIssue, readBody, sendJson } from '../http-io.js';

export type { PydanticIssue } from '../http-io.js';

export { isObject } from '../http-io.js';

/** A SATURN error raised by a route (`SaturnError` upstream): enveloped, with the header. */
export class SaturnFailure extends Error {
  constructor(
    readonly code: SaturnErrorCode,
    message?: string,
  ) {
    super(message ?? SATURN_ERROR_CODES[code].message);
  }
}

/** A plain 422: FastAPI's request validation, answered without envelope or `meta`. */
export class ValidationFailure extends Error {
  constructor(readonly issues: PydanticIssue[]) {
    super('request validation failed');
  }
}

/** A plain FastAPI `{"detail": "<text>"}` answer (404, 405; 413 is the fake's own guard). */
export class PlainFailure extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/**
 * An exception nothing handles (the detached-row defect, a credential refused in the
 * middleware): 500 `INTERNAL_ERROR` without `X-Request-Id`, then the connection is dropped.
 */
export class UnhandledServerError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnhandledServerError';
  }
}

/** `{data, meta}` with the request id in both `meta` and the header. */
export function sendData(res: ServerResponse, requestId: string, data: unknown): void {
  sendJson(res, 200, { data, meta: { request_id: requestId } }, { 'x-request-id': requestId });
}

/** `{error: {code, message, details: {}}, meta}` with the code's fixed status. */
export function sendFailure(res: ServerResponse, requestId: string, failure: SaturnFailure): void {
  sendJson(
    res,
    SATURN_ERROR_CODES[failure.code].status,
    {
      error: { code: failure.code, message: failure.message, details: {} },
      meta: { request_id: requestId },
    },
    { 'x-request-id': requestId },
  );
}

/** The 500 of an unhandled exception: envelope with `meta`, but no `X-Request-Id` header. */
export function sendUnhandled(res: ServerResponse, requestId: string): void {
  const { message } = SATURN_ERROR_CODES.INTERNAL_ERROR;
  sendJson(res, 500, {
    error: { code: 'INTERNAL_ERROR', message, details: {} },
    meta: { request_id: requestId },
  });
}

/** A plain FastAPI body `{"detail": ...}` (404, 405, 422): no `meta`, but the header is set. */
export function sendPlain(
  res: ServerResponse,
  requestId: string,
  status: number,
  detail: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { detail }, { ...headers, 'x-request-id': requestId });
}

/** Largest request body the fake reads (the real server has no limit; this guards the tests). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Whether a content type makes FastAPI parse the body as JSON (none, or application/*json). */
function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The request body as FastAPI hands it to validation: `undefined` when empty. */
export type RawBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; value: string };

/**
 * Read the body like FastAPI does for a route with a body model: empty is "no body"; JSON when
 * the content type is JSON (or absent), the raw text otherwise; malformed JSON is a 422
 * `json_invalid` at the character where parsing stopped.
 */
export async function readRequestBody(req: IncomingMessage): Promise<RawBody> {
  let bytes: Buffer;
  try {
    bytes = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    // The real server reads any size; the fake refuses absurd bodies so a test cannot eat memory.
    if (error instanceof BodyReadError)
      throw new PlainFailure(413, `fake SATURN: ${error.message}`);
    throw error;
  }
  if (bytes.length === 0) return { kind: 'none' };
  const text = bytes.toString('utf8');
  if (!isJsonContentType(req.headers['content-type'])) return { kind: 'text', value: text };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch (error) {
    const { pos, msg } = pythonJsonError(text, String((error as Error).message));
    throw new ValidationFailure([
      {
        type: 'json_invalid',
        loc: ['body', pos],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: msg },
      },
    ]);
  }
}

/** Python's `json` message and offset for a parse failure, translated from V8's. */
function pythonJsonError(text: string, v8: string): { pos: number; msg: string } {
  if (/end of JSON input/.test(v8)) return { pos: text.length, msg: 'Expecting value' };
  const at = /at position (\d+)/.exec(v8);
  if (at) {
    const pos = Number(at[1]);
    if (/property name/.test(v8))
      return { pos, msg: 'Expecting property name enclosed in double quotes' };
    if (/Expected ','/.test(v8)) return { pos, msg: "Expecting ',' delimiter" };
    if (/after JSON/.test(v8)) return { pos, msg: 'Extra data' };
    return { pos, msg: 'Expecting value' };
  }
  const token = /Unexpected token '(.)'/.exec(v8)?.[1];
  return { pos: token ? Math.max(0, text.indexOf(token)) : 0, msg: 'Expecting value' };
}
