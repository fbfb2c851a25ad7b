import { afterAll, onTestFinished } from 'vitest';
import {
  type RequestHandler,
  type RunningServer,
  type StartServerOptions,
  startServer as startLoopbackServer,
} from './start-server.js';

/**
 * {@link startLoopbackServer} that closes itself when the current test ends (or, when
 * called from `beforeAll`, when the suite ends), so no test leaks a listening socket.
 */
export async function startServer(
  handler: RequestHandler,
  options?: StartServerOptions,
): Promise<RunningServer> {
  const server = await startLoopbackServer(handler, options);
  try {
    onTestFinished(() => server.close());
  } catch {
    // Not inside a test (beforeAll / describe): close with the suite instead.
    afterAll(() => server.close());
  }
  return server;
}
