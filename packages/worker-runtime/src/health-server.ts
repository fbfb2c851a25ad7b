import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What `/readyz` answers: ready, or the reason it is not. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** Options for {@link startHealthServer}. */
export interface HealthServerOptions {
  /**
   * Port; 0 picks a free one.
   * @default 8000
   */
  port?: number | undefined;
  /**
   * Bind address. `0.0.0.0` so container probes (kubelet, Docker) reach it; use `127.0.0.1`
   * outside containers. See docs/getting-started.md.
   * @default '0.0.0.0'
   */
  host?: string | undefined;
  /** Readiness check for `/readyz`. */
  readiness: () => Readiness;
  /** Prometheus text for `/metrics`. */
  metrics: () => string;
}

/** A running health server. */
export interface HealthServer extends AsyncDisposable {
  /** `http://<host>:<port>`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Stop listening and close open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serve `GET /healthz` (200 while the process runs), `GET /readyz` (200 when ready, 503 with
 * the reason otherwise) and `GET /metrics` (Prometheus text) on `node:http`.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      json(405, { detail: 'Method not allowed; use GET' });
      return;
    }
    try {
      if (path === '/healthz') return json(200, { status: 'healthy' });
      if (path === '/readyz') {
        const readiness = options.readiness();
        if (readiness.ready) return json(200, { status: 'ready' });
        return json(503, { status: 'not ready', reason: readiness.reason });
      }
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(options.metrics());
        return;
      }
      json(404, { detail: 'Not found; try /healthz, /readyz or /metrics' });
    } catch (error) {
      json(500, {
        detail: `health check failed: ${error instanceof Error ? error.message : 'error'}`,
      });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return { url: `http://${host}:${port}`, port, close, [Symbol.asyncDispose]: close };
}
