import { startServer } from '@uplink/testing/vitest';
import * as v from 'valibot';
import { expect, it } from 'vitest';
import { createHttpClient } from '../src/index.js';

it('gets and validates JSON', async () => {
  const server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r1' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  const client = createHttpClient({ baseUrl: server.url });
  const out = await client.request('GET', '/x', v.object({ ok: v.boolean(), path: v.string() }), {
    query: { a: 1 },
  });
  expect(out.data).toEqual({ ok: true, path: '/x?a=1' });
  expect(out.requestId).toBe('r1');
});
