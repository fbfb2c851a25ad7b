// The satellite's public API (docs/protocols/luml.md §14): inference callers reach deployments
// here, authorised with their LUML user key through the platform's inference-access check (cached
// 60 s by the platform client): `/compute`, and `/execute` and `/health` (AI Spine's agent
// protocol, docs/protocols/ai-spine.md §7-8) alike. AI Spine itself sends no credentials, so it
// gets its own routes, `/deployments/{id}/agent/{key}/execute|health`, that exist only when an
// agent secret is set: the per-deployment key is the credential, carried in the endpoint URL the
// agent is registered with.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import { type AgentKeys, createAgentKeys } from './agent-keys.js';
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
  /**
   * Secret (at least 32 characters) from which each deployment's AI Spine agent key is
   * derived. Unset, the keyless agent routes do not exist and AI Spine cannot call in.
   * @default undefined (off)
   */
  agentSecret?: string | undefined;
}

/** The running public API. */
export interface PublicApi extends AsyncDisposable {
  url: string;
  server: Server;
  /**
   * The endpoint to register a deployment as an AI Spine agent with (AI Spine appends
   * `/execute` and `/health`): it carries the deployment's agent key, so treat it as a secret.
   * `baseUrl` is how AI Spine reaches this API (the satellite's public URL). Undefined when no
   * agent secret is configured.
   * @param baseUrl @default this API's loopback URL
   */
  agentEndpoint(deploymentId: string, baseUrl?: string): string | undefined;
  close(): Promise<void>;
}

const DEPLOYMENT_ROUTE =
  /^\/deployments\/([0-9a-f-]{36})(?:\/agent\/([A-Za-z0-9_-]{1,128}))?\/(compute|execute|health)$/;

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
  const agentKeys: AgentKeys | undefined =
    options.agentSecret === undefined ? undefined : createAgentKeys(options.agentSecret);
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
    const [, deploymentId, agentKey, action] = match as unknown as [
      string,
      string,
      string | undefined,
      'compute' | 'execute' | 'health',
    ];
    // Agent routes serve AI Spine only, and only when an agent secret is configured.
    if (agentKey !== undefined && (action === 'compute' || !agentKeys)) {
      return sendJson(res, 404, { detail: 'Not Found' });
    }
    const expected = action === 'health' ? 'GET' : 'POST';
    if (req.method !== expected) return sendJson(res, 405, { detail: 'Method Not Allowed' });
    if (agentKey !== undefined) {
      if (!agentKeys?.verify(deploymentId, agentKey)) {
        return sendJson(res, 401, { detail: 'Invalid agent key' });
      }
    } else if (!(await authorise(req, res, platform))) {
      return;
    }
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
  const url = `http://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url,
    server,
    agentEndpoint: (deploymentId, baseUrl = url) =>
      agentKeys
        ? `${baseUrl.replace(/\/+$/, '')}/deployments/${deploymentId}/agent/${agentKeys.keyFor(deploymentId)}`
        : undefined,
    close,
    [Symbol.asyncDispose]: close,
  };
}
