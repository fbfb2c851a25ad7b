import { describe, expect, it } from 'vitest';
import { createFaultInjector } from './fault-injection.js';
import { startServer } from './vitest.js';

describe('startServer', () => {
  it('serves on 127.0.0.1 with an OS-chosen port and answers requests', async () => {
    const server = await startServer((_req, res) => {
      res.end('pong');
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(`${server.url}/ping`);
    expect(await res.text()).toBe('pong');
  });

  it('answers 500 with a JSON detail when the handler throws', async () => {
    const server = await startServer(() => {
      throw new Error('boom');
    });
    const res = await fetch(server.url);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ detail: 'fake server error: Error: boom' });
  });

  it('close() ends open streaming responses instead of hanging', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    const res = await fetch(server.url);
    const reader = res.body!.getReader();
    await reader.read();
    await server.close();
    await expect(reader.read()).rejects.toThrow();
    await server.close(); // idempotent
  });
});

describe('createFaultInjector', () => {
  const serve = async (options: Parameters<typeof createFaultInjector>[0]) => {
    const faults = createFaultInjector(options);
    const server = await startServer(async (req, res) => {
      if (await faults.intercept(req, res)) return;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, padding: 'x'.repeat(100) }));
    });
    return { faults, server };
  };

  it('is reproducible: the same seed gives the same fault sequence', async () => {
    const run = async () => {
      const { server } = await serve({ seed: 42, global: { serverError: 0.5 } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await fetch(server.url)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('answers 429 with Retry-After for rate-limit faults', async () => {
    const { server, faults } = await serve({ global: { rateLimit: 1, retryAfterSeconds: 2 } });
    const res = await fetch(server.url);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(faults.stats.rateLimit).toBe(1);
  });

  it('drops the connection so fetch fails', async () => {
    const { server } = await serve({ global: { drop: 1 } });
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('truncates bodies: the client sees a premature close', async () => {
    const { server } = await serve({ global: { truncate: 1 } });
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('loses the response after the handler ran: its effects happen, no byte comes back', async () => {
    const faults = createFaultInjector({ global: { lostResponse: 1 } });
    let handled = 0;
    const server = await startServer(async (req, res) => {
      if (await faults.intercept(req, res)) return;
      handled++;
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await expect(fetch(server.url, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(handled).toBe(1);
    expect(faults.stats.lostResponse).toBe(1);
  });

  it('applies per-route rates over global ones, and exempt paths are never faulted', async () => {
    const { server, faults } = await serve({
      global: { serverError: 1 },
      routes: { 'GET /healthy/*': {} },
      exempt: (_m, p) => p === '/admin',
    });
    expect((await fetch(`${server.url}/healthy/1`)).status).toBe(200);
    expect((await fetch(`${server.url}/admin`)).status).toBe(200);
    expect((await fetch(`${server.url}/other`)).status).toBe(503);
    faults.configure({});
    expect((await fetch(`${server.url}/other`)).status).toBe(200);
  });
});
