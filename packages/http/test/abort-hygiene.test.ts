import { getEventListeners } from 'node:events';
import * as v from 'valibot';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHttpClient } from '../src/index.js';
import { scriptedServer } from './helpers.js';

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

const Ok = v.object({ ok: v.boolean() });

it('leaves no listener on one caller signal after 10,000 calls', async () => {
  const { url } = await scriptedServer({ status: 200, body: { ok: true } });
  const callerSignal = new AbortController().signal;
  const clientSignal = new AbortController().signal;
  const client = createHttpClient({ baseUrl: url, signal: clientSignal });
  const before = getEventListeners(callerSignal, 'abort').length;
  const beforeClient = getEventListeners(clientSignal, 'abort').length;
  const total = 10_000;
  const concurrency = 50;
  let started = 0;
  let maxSeen = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      const pending = client.get('/ok', Ok, { signal: callerSignal });
      maxSeen = Math.max(maxSeen, getEventListeners(callerSignal, 'abort').length);
      expect((await pending).ok).toBe(true);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  expect(started).toBe(total);
  // Listeners were really added while calls were in flight, and all were removed.
  expect(maxSeen).toBeGreaterThan(0);
  expect(getEventListeners(callerSignal, 'abort').length).toBe(before);
  expect(getEventListeners(clientSignal, 'abort').length).toBe(beforeClient);
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
}, 60_000);

it('releases listeners of failed, raw and streamed calls too', async () => {
  const { url } = await scriptedServer((req, res) => {
    if (req.url === '/fail') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"detail":"no"}');
    } else if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: end\ndata: {}\n\n');
    } else {
      res.writeHead(200);
      res.end('bytes');
    }
  });
  const signal = new AbortController().signal;
  const client = createHttpClient({ baseUrl: url, signal });
  for (let i = 0; i < 200; i++) {
    await expect(client.get('/fail', null, { signal })).rejects.toThrow();
    const raw = await client.raw('GET', '/raw', { signal });
    expect(await raw.text()).toBe('bytes');
    const raw2 = await client.raw('GET', '/raw', { signal });
    await raw2.body?.cancel();
    const events = [];
    for await (const event of client.streamSSE('/sse', { signal, terminal: ['end'] }))
      events.push(event);
    expect(events).toHaveLength(1);
  }
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
});
