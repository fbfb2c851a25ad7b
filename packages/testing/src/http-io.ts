// The bits of request/response plumbing every fake server needs; each platform's own `http-io.ts`
// adds only its server's error shapes on top.
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One pydantic 2 validation problem, as the FastAPI servers (AI Spine, SATURN, agent-sdk) send
 * it in a 422 `detail` array.
 */
export interface PydanticIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** A request body that could not be read (too large). `status` is what the server answers. */
export class BodyReadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BodyReadError';
  }
}

/** Read the whole request body, refusing more than `limitBytes` (413). */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new BodyReadError(`request body exceeds ${limitBytes} bytes`, 413);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Answer with a compact JSON body and an exact Content-Length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Answer a status with no body (204 and friends). */
export function sendEmpty(
  res: ServerResponse,
  status = 204,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, 'content-length': '0' });
  res.end();
}

/** Whether `value` is a plain JSON object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const UUID_HYPHENATED = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;
const UUID_SIMPLE = /^[\da-f]{32}$/i;

/**
 * The canonical (lower-case, hyphenated) form of a UUID as pydantic reads it, hyphenated or
 * 32 hex digits, or `undefined` when it is not one. Both FastAPI fakes validate path ids with it.
 */
export function normalizeUuid(value: string): string | undefined {
  if (UUID_HYPHENATED.test(value)) return value.toLowerCase();
  if (!UUID_SIMPLE.test(value)) return undefined;
  const h = value.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
