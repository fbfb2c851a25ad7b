// The satellite's public API (docs/protocols/luml.md §14): inference callers reach deployments
// here, authorised with their LUML user key through the platform's inference-access check (cached
// 60 s by the platform client). `/execute` and `/health` serve AI Spine's agent protocol
// (docs/protocols/ai-spine.md §7-8), which sends no credentials, so they are open, as the AI Spine
// backend requires.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import type { ModelProcesses } from './model-processes.js';

/** Options for {@link startPublicApi}. */
export interface PublicApiOptions {
  platform: SatellitePlatform;
  models: ModelProcesses;
  logger: Logger;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 */
  port?: number;
}

/** The running public API. */
export interface PublicApi extends AsyncDisposable {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const DEPLOYMENT_ROUTE = /^\/deployments\/([0-9a-f-]{36})\/(compute|execute|health)$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function authorise(
  req: IncomingMessage,
  res: ServerResponse,
  platform: SatellitePlatform,
): Promise<boolean> {
  const [scheme, key, extra] = (req.headers.authorization ?? '').split(/\s+/);
  if (scheme?.toLowerCase() !== 'bearer' || !key || extra !== undefined) {
    sendJson(res, 401, { detail: 'Not authenticated' });
    return false;
  }
  try {
    if (await platform.authorizeInferenceAccess(key)) return true;
    sendJson(res, 401, { detail: 'Invalid API key' });
  } catch {
    sendJson(res, 502, { detail: 'Authorization failed' });
  }
  return false;
}

/** Forward a request to the model server and stream its answer back (SSE passes through untouched). */
async function proxy(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const upstream = await fetch(target, {
    method: req.method ?? 'GET',
    headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
    signal: controller.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as unknown as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'cache-control']) {
    const value = upstream.headers.get(name);
    if (value) headers[name] = value;
  }
  res.writeHead(upstream.status, headers);
  if (!upstream.body) {
    res.end();
    return;
  }
  // pipeline keeps backpressure (a slow caller slows the model read) and ends the response.
  await pipeline(Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>), res);
}

/** Start the satellite's public API. */
export async function startPublicApi(options: PublicApiOptions): Promise<PublicApi> {
  const { platform, models, logger } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://satellite').pathname;
    if (req.method === 'GET' && path === '/healthz')
      return sendJson(res, 200, { status: 'healthy' });
    if (req.method === 'GET' && path === '/deployments') {
      if (!(await authorise(req, res, platform))) return;
      return sendJson(
        res,
        200,
        models.list().map((id) => ({ deployment_id: id })),
      );
    }
    const match = DEPLOYMENT_ROUTE.exec(path);
    if (!match) return sendJson(res, 404, { detail: 'Not Found' });
    const [, deploymentId, action] = match as unknown as [
      string,
      string,
      'compute' | 'execute' | 'health',
    ];
    const expected = action === 'health' ? 'GET' : 'POST';
    if (req.method !== expected) return sendJson(res, 405, { detail: 'Method Not Allowed' });
    if (action === 'compute' && !(await authorise(req, res, platform))) return;
    const model = models.get(deploymentId);
    if (!model) {
      return sendJson(res, 500, {
        detail: `Compute failed: deployment '${deploymentId}' is not running here`,
      });
    }
    try {
      await proxy(req, res, `${model.url}/${action}`);
    } catch (error) {
      logger.warn('proxy to model server failed', { deploymentId, action, error: String(error) });
      if (!res.headersSent)
        sendJson(res, 500, { detail: `Compute failed: ${(error as Error).message}` });
      else res.destroy();
    }
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${port}`, server, close, [Symbol.asyncDispose]: close };
}
