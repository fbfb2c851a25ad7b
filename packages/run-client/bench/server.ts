// The bench's agent-sdk stream: one run of EVENTS events as the real server writes them
// (data-only SSE, Python's spaced JSON), in 16 KiB writes, from its own process so the client's
// CPU is measured alone. Prints its URL on the first stdout line; exits with stdin.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runBody } from './run-body.js';

const body = Buffer.from(runBody());
const server = createServer((req, res) => {
  if (!req.url?.endsWith('/events')) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  let offset = 0;
  const pump = (): void => {
    while (offset < body.length) {
      const chunk = body.subarray(offset, offset + 16 * 1024);
      offset += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
