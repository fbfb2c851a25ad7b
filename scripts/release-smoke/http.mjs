// @uplink/http in a stranger's project: a request to a loopback server, a 500 mapped to the
// core-schemas error family (the class the user's own @uplink/core-schemas exports), and the
// Node-only logger from the /node subpath.
import assert from 'node:assert/strict';
import { InternalServerError } from '@uplink/core-schemas';
import { createHttpClient } from '@uplink/http';
import { createJsonLogger } from '@uplink/http/node';
import { startServer } from '@uplink/testing';

const server = await startServer((req, res) => {
  if (req.url === '/hello') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
    res.end(JSON.stringify({ hello: 'world' }));
  } else {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ detail: 'boom' }));
  }
});
const lines = [];
const client = createHttpClient({
  baseUrl: server.url,
  retry: false,
  logger: createJsonLogger({ level: 'debug', stream: { write: (line) => lines.push(line) } }),
});
try {
  const ok = await client.request('GET', '/hello', null);
  assert.equal(ok.status, 200);
  assert.equal(ok.requestId, 'req-1');
  await assert.rejects(client.get('/fail', null), (error) => error instanceof InternalServerError);
  assert.ok(lines.length > 0, 'the JSON logger wrote lines');
  console.log('http: request, error mapping and the /node logger work');
} finally {
  await client.close();
  await server.close();
}
