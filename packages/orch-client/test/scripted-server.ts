import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RunningServer, startServer } from '@uplink/testing';

/** One request as the scripted server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What a script answers; `raw` takes over the response entirely. */
export type ScriptReply =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { raw: (res: ServerResponse) => void | Promise<void> };

/** A loopback server answering by script, recording every request. */
export interface ScriptedServer extends AsyncDisposable {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** JSON reply helper. */
export const json = (
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): ScriptReply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

/** SSE reply helper. */
export const sse = (body: string, headers: Record<string, string> = {}): ScriptReply => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream', ...headers },
  body,
});

/** Build an SSE body from [event, data] pairs. */
export const frames = (...list: [string, unknown][]): string =>
  list.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

/** Start a server that answers each request with `script(request)`. */
export async function startScriptedServer(
  script: (request: SeenRequest) => ScriptReply | Promise<ScriptReply>,
): Promise<ScriptedServer> {
  const requests: SeenRequest[] = [];
  const server: RunningServer = await startServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(seen);
    const reply = await script(seen);
    if ('raw' in reply) {
      await reply.raw(res);
      return;
    }
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body ?? '');
  });
  return {
    url: server.url,
    requests,
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}
