// Child process of sse-memory.test.ts (run with --expose-gc): streams `n` events through
// client.streamSSE from a loopback server and prints the heap in use after a forced GC at
// 10% and at 90% of the stream. Retention per event would show as the difference.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { createHttpClient } from '../../src/index.js';

const n = Number(process.argv[2] ?? '200000');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let i = 0;
  const write = (): void => {
    while (i < n) {
      const parts: string[] = [];
      for (let k = 0; k < 200 && i < n; k++, i++) {
        parts.push(`id: ${i}\nevent: token\ndata: {"t":"tok${i % 10}","i":${i}}\n\n`);
      }
      if (!res.write(parts.join(''))) return void res.once('drain', write);
    }
    res.end('event: end\ndata: {}\n\n');
  };
  write();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = createHttpClient({
  baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
});
const heap: number[] = [];
let count = 0;
for await (const message of client.streamSSE('/', {
  events: { token: v.object({ t: v.string(), i: v.number() }), end: v.looseObject({}) },
  terminal: ['end'],
})) {
  if (message.event !== 'token') continue;
  count++;
  if (count === n / 10 || count === (n / 10) * 9) {
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
}
await client.close();
server.close();
process.stdout.write(JSON.stringify({ count, heap }));
