// Run by let-go.test.ts in a child process: read part of an SSE stream through one path, let
// go, and end. The process must then exit on its own (nothing here calls process.exit): a
// timer, a listener, a socket or a read the stream still held would keep it alive.
import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import * as v from 'valibot';
import {
  createHttpClient,
  NDJSON_CONTENT_TYPE,
  sseStreamFromReadableStream,
} from '../../src/index.js';

const mode = process.argv[2];
const events = { token: v.object({ t: v.string() }), end: v.looseObject({}) };

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write('event: token\ndata: {"t":"a"}\n\nevent: token\ndata: {"t":"b"}\n\n');
  // The stream stays open (no timer on this side) unless the path reads to the end.
  if (req.url === '/ended') res.end('event: end\ndata: {}\n\n');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
const client = createHttpClient({ baseUrl: `http://127.0.0.1:${port}` });
const caller = new AbortController();
const open = (path = '/open') =>
  client.streamSSE(path, {
    events,
    terminal: ['end'],
    signal: caller.signal,
    idleTimeoutMs: 60_000,
    totalTimeoutMs: 600_000,
  });

switch (mode) {
  case 'break':
    for await (const _ of open()) break;
    break;
  case 'abort': {
    const stream = open();
    await stream[Symbol.asyncIterator]().next();
    stream.abort();
    break;
  }
  case 'release-cancel':
  case 'object-release-cancel': {
    const stream = open();
    const readable =
      mode === 'release-cancel' ? stream.toReadableStream() : stream.toObjectStream();
    const reader = readable.getReader();
    await reader.read();
    reader.releaseLock();
    await readable.cancel();
    break;
  }
  case 'release-close': {
    const reader = open().toReadableStream().getReader();
    await reader.read();
    reader.releaseLock();
    await client.close();
    break;
  }
  case 'end':
    for await (const _ of open('/ended')) {
      // Reading to the end.
    }
    break;
  case 'relay': {
    // The browser side of a relay: read one message of the bytes, then stop.
    const response = new Response(open().toReadableStream(), {
      headers: { 'content-type': NDJSON_CONTENT_TYPE },
    });
    for await (const _ of sseStreamFromReadableStream(response.body!, {
      events,
      signal: caller.signal,
    }))
      break;
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}

const listeners = getEventListeners(caller.signal, 'abort').length;
if (listeners > 0) {
  console.error(`${mode}: ${listeners} listener(s) left on the caller's signal`);
  process.exitCode = 1;
}
// Stop accepting; connections the client still holds keep the server (and the process) alive.
server.close();
console.log(`${mode}: let go`);
// If the process is still alive well after letting go, say what holds it (this timer itself
// does not keep it alive).
setTimeout(
  () => {
    console.error(
      `${mode}: still alive, holding ${JSON.stringify(process.getActiveResourcesInfo())}`,
    );
  },
  Number(process.env.LET_GO_REPORT_MS ?? 5_000),
).unref();
