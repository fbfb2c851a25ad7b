import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request handler for {@link startServer}. May be async; a throw answers 500. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A running loopback server. */
export interface RunningServer extends AsyncDisposable {
  /** Base URL, `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** The bound port. */
  port: number;
  /** The underlying `node:http` server. */
  server: Server;
  /** Stop accepting, destroy open sockets (streams included) and wait for the close. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link startServer}. */
export interface StartServerOptions {
  /**
   * Host to bind. Tests and demos stay on loopback.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port to bind; 0 lets the OS choose a free one.
   * @default 0
   */
  port?: number;
}

/**
 * Start a real HTTP server on loopback (127.0.0.1, a free port). `close()` also destroys
 * keep-alive and streaming sockets, so a test never hangs on a half-read SSE response.
 */
export async function startServer(
  handler: RequestHandler,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: `fake server error: ${String(error)}` }));
        } else {
          res.destroy();
        }
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
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
      server.closeAllConnections();
    });
    return closing;
  };
  return { url: `http://${host}:${port}`, port, server, close, [Symbol.asyncDispose]: close };
}
