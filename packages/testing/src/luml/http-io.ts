// luml-satellite-protocol §1 (conventions: JSON bodies, `{"detail": ...}` errors)
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the fake reads (artifact uploads included). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** A request body that could not be read (too large, or the client went away). */
export class BodyReadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BodyReadError';
  }
}

/** Read the whole request body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyReadError(`request body exceeds ${limit} bytes`, 413);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Answer with a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Answer with the platform's application error shape, `{"detail": "<message>"}`. */
export function sendDetail(res: ServerResponse, status: number, detail: string): void {
  sendJson(res, status, { detail });
}

/** Answer with no body (204 and friends). */
export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

/**
 * Answer like an uncaught database error does upstream: Starlette's plain-text 500, no JSON
 * (reference §1: "do not assume a JSON body on 500").
 */
export function sendInternalError(res: ServerResponse): void {
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Internal Server Error');
}
