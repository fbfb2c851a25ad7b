import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer } from '@uplink/testing/vitest';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** What the server answers: JSON by default, raw text when `text` is set, a dropped socket when `drop`. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  text?: string;
  drop?: boolean;
  /** Never answer (the socket stays open until the client gives up or the server closes). */
  hang?: boolean;
}

/** Decides the reply for a request; may inspect everything recorded so far. */
export type Responder = (request: RecordedRequest, index: number) => Reply;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.hang) return;
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  const status = reply.status ?? 200;
  if (reply.text !== undefined) {
    res.writeHead(status, { 'content-type': 'text/plain', ...reply.headers });
    res.end(reply.text);
  } else if (reply.body === undefined || status === 204) {
    res.writeHead(status, reply.headers);
    res.end();
  } else {
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }
}

/** A loopback server that records every request and answers with `responder`. Closed after the test. */
export async function startRecordingServer(responder: Responder) {
  const requests: RecordedRequest[] = [];
  const server = await startServer(async (req, res) => {
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: await readBody(req),
    };
    requests.push(recorded);
    send(res, responder(recorded, requests.length - 1));
  });
  return { url: server.url, requests };
}
