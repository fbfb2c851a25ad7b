// docs/protocols/llama-orch.md §3.2-§3.3 (headers, CORS) and §11.3 (bodies that are not an
// envelope).
import type { IncomingMessage, ServerResponse } from 'node:http';

export { sendEmpty, sendJson } from '../http-io.js';

/** Headers scripts may read in a browser when CORS is on (§3.3). */
export const EXPOSED_HEADERS = [
  'X-Correlation-Id',
  'Retry-After',
  'X-Backoff-Ms',
  'X-Budget-Tokens-Remaining',
  'X-Budget-Time-Remaining-Ms',
  'X-Budget-Cost-Remaining',
].join(', ');

/** Add the CORS response headers for `req` (allow its origin, expose the llama-orch headers). */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  res.setHeader('vary', 'Origin');
}

/** Answer a CORS preflight: allow the asked-for method and headers. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  applyCors(req, res);
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers'] ??
      'Content-Type, Accept, X-API-Key, Authorization, X-Correlation-Id',
    'access-control-max-age': '600',
  });
  res.end();
}

/** Send a plain-text body (axum rejections). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
