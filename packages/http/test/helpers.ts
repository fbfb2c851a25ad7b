import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer } from '@uplink/testing/vitest';

/** One scripted answer; a function gets the request and its body. */
export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string>; raw?: string }
  | ((req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>);

/** What the server saw. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback server answering from a script, in order; the last answer repeats. */
export async function scriptedServer(...answers: Answer[]) {
  const seen: Seen[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  /** Resolves once the server has received `count` requests. */
  const received = (count = 1): Promise<void> =>
    seen.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  const server = await startServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    for (const waiter of waiters.filter((w) => w.count <= seen.length)) waiter.resolve();
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
    if (!answer) throw new Error('no answer scripted');
    if (typeof answer === 'function') return answer(req, res, body);
    const payload = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    res.writeHead(answer.status, {
      ...(answer.raw === undefined && answer.body !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...answer.headers,
    });
    res.end(payload);
  });
  return { url: server.url, seen, server, received };
}

/** A fetch that answers from a script without any network, recording each request. */
export function scriptedFetch(
  ...answers: (Response | Error | (() => Response | Promise<Response>))[]
) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requests.push(request);
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return answer();
    if (!answer) throw new Error('no answer scripted');
    return answer.clone();
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
