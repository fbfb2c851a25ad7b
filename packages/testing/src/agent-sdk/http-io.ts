// docs/protocols/agent-sdk.md §1.1-§1.3: the headers every answer carries and the error bodies.
import type { ServerResponse } from 'node:http';
import { pyJson } from './py-json.js';

/** Headers the middlewares add to an answer that passes through them. */
export interface ResponseContext {
  /** `X-Request-Id`/`X-Trace-Id` to echo; `undefined` for the key middleware's answers. */
  requestId: string | undefined;
  traceId: string | undefined;
  /** Whether the answer passes the versioning middleware (`X-API-Version`). */
  versioned: boolean;
  /** Whether to add `X-API-Deprecated` (a bare, non-public path). */
  deprecated: boolean;
}

/** The middleware headers for `ctx`. */
export function contextHeaders(ctx: ResponseContext): Record<string, string> {
  const headers: Record<string, string> = {};
  if (ctx.versioned) headers['x-api-version'] = 'v1';
  if (ctx.deprecated) headers['x-api-deprecated'] = 'Use /v1 prefix for API requests';
  if (ctx.requestId !== undefined) headers['x-request-id'] = ctx.requestId;
  if (ctx.traceId !== undefined) headers['x-trace-id'] = ctx.traceId;
  return headers;
}

/** A compact JSON answer (Starlette's JSONResponse), with the middleware headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  ctx: ResponseContext,
): void {
  const text = pyJson(body, false);
  res.writeHead(status, {
    ...contextHeaders(ctx),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** FastAPI's error body: `{"detail": ...}`. */
export function sendDetail(
  res: ServerResponse,
  status: number,
  detail: unknown,
  ctx: ResponseContext,
): void {
  sendJson(res, status, { detail }, ctx);
}
