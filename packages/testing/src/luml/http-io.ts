// docs/protocols/luml.md §1 (conventions: JSON bodies, `{"detail": ...}` errors)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody as readBounded, sendJson } from '../http-io.js';

export { BodyReadError, sendEmpty, sendJson } from '../http-io.js';

/** Largest request body the fake reads (artifact uploads included). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Read the whole request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return readBounded(req, limit);
}

/** Answer with the platform's application error shape, `{"detail": "<message>"}`. */
export function sendDetail(res: ServerResponse, status: number, detail: string): void {
  sendJson(res, status, { detail });
}

/**
 * Answer like an uncaught database error does upstream: Starlette's plain-text 500, no JSON
 * (§1: "do not assume a JSON body on 500").
 */
export function sendInternalError(res: ServerResponse): void {
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Internal Server Error');
}
