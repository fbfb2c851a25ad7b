import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConfigurationError } from '@uplink/core-schemas';

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
   * Bind address. Loopback by default, so `/metrics` is not reachable from the network; in a
   * container, where probes come from outside (kubelet, Docker, Prometheus), pass `'0.0.0.0'`
   * (`LUML_HEALTH_HOST=0.0.0.0`). See docs/getting-started.md.
   * @default '127.0.0.1'
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
  const port = options.port ?? 8000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(listenError(error, host, port));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return {
    url: `http://${shownHost}:${bound.port}`,
    port: bound.port,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A bind failure is a settings problem: say which setting to change. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigurationError(
        [
          {
            setting: 'LUML_HEALTH_PORT',
            message: `port ${port} is already in use on ${host}; choose another port (or 0 for a free one)`,
          },
        ],
        { cause: error },
      );
    case 'EACCES':
      return new ConfigurationError(
        [
          {
            setting: 'LUML_HEALTH_PORT',
            message: `not allowed to listen on ${where}; ports below 1024 need privileges`,
          },
        ],
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigurationError(
        [
          {
            setting: 'LUML_HEALTH_HOST',
            message: `cannot listen on ${JSON.stringify(host)}: not an address of this machine`,
          },
        ],
        { cause: error },
      );
    default:
      return error;
  }
}
