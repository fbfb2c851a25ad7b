/**
 * The loopback server every benchmark talks to, run in its own process so that the client's
 * CPU time and RSS are measured alone. Prints its URL on the first stdout line.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const CHUNK_BYTES = 16 * 1024;
const small = JSON.stringify({ id: 'task-1', status: 'running', attempt: 1, ok: true });
const prebuilt = new Map<number, Buffer>();

const tokenEvent = (i: number): string => `event: token\ndata: {"t":"tok${i % 10}","i":${i}}\n\n`;
const END = 'event: end\ndata: {"tokens_out":0,"decode_ms":1}\n\n';

function sseBody(n: number): Buffer {
  let body = prebuilt.get(n);
  if (!body) {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(tokenEvent(i));
    parts.push(END);
    body = Buffer.from(parts.join(''));
    prebuilt.set(n, body);
  }
  return body;
}

/** Write `next()` chunks until it returns undefined, waiting for drain (bounded memory). */
function pump(res: ServerResponse, next: () => Buffer | undefined): void {
  const write = (): void => {
    for (;;) {
      const chunk = next();
      if (!chunk) {
        res.end();
        return;
      }
      if (!res.write(chunk)) {
        res.once('drain', write);
        return;
      }
    }
  };
  write();
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const n = Number(url.searchParams.get('n') ?? '1000');
  if (url.pathname === '/json') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': small.length });
    res.end(small);
  } else if (url.pathname === '/sse') {
    const body = sseBody(n);
    let offset = 0;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    pump(res, () => {
      if (offset >= body.length) return undefined;
      const chunk = body.subarray(offset, offset + CHUNK_BYTES);
      offset += CHUNK_BYTES;
      return chunk;
    });
  } else if (url.pathname === '/sse-generated') {
    let i = 0;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    pump(res, () => {
      if (i > n) return undefined;
      const parts: string[] = [];
      for (let k = 0; k < 400 && i < n; k++, i++) parts.push(tokenEvent(i));
      if (i >= n) {
        parts.push(END);
        i++;
      }
      return Buffer.from(parts.join(''));
    });
  } else {
    res.writeHead(404);
    res.end();
  }
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`http://127.0.0.1:${port}\n`);
});
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
