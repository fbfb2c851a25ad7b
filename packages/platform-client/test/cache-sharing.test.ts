import type { ServerResponse } from 'node:http';
import { AbortError } from '@uplink/core-schemas';
import { startServer } from '@uplink/testing/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlatformClient } from '../src/index.js';
import { fixture, SECRET, TOKEN, USER_KEY } from './fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

/** One request held open until the test answers it. */
interface Held {
  path: string;
  body: string;
  res: ServerResponse;
  /** Resolves when the client closed the connection before an answer. */
  dropped: Promise<void>;
}

/**
 * A platform whose answers the test sends by hand: every request is held until `answer`, so
 * several callers can be made to wait on one load.
 */
async function heldPlatform() {
  const held: Held[] = [];
  const arrivals: (() => void)[] = [];
  const server = await startServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let drop!: () => void;
    const dropped = new Promise<void>((resolve) => {
      drop = resolve;
    });
    res.on('close', () => {
      if (!res.writableEnded) drop();
    });
    held.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), res, dropped });
    arrivals.shift()?.();
  });
  /** Resolves once `count` requests have arrived. */
  const arrived = (count: number): Promise<void> =>
    held.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const check = () => (held.length >= count ? resolve() : arrivals.push(check));
          arrivals.push(check);
        });
  const answer = (index: number, body: unknown): void => {
    const res = held[index]?.res;
    if (!res) throw new Error(`no request ${index}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return { url: server.url, held, arrived, answer };
}

describe('callers sharing a cache entry do not share an abort', () => {
  it('authorizeInferenceAccess: one caller aborts, the other still gets its answer', async () => {
    const platform = await heldPlatform();
    await using client = new PlatformClient({ token: TOKEN, baseUrl: platform.url, env: {} });
    const first = new AbortController();
    const a = client.authorizeInferenceAccess(USER_KEY, { signal: first.signal });
    const b = client.authorizeInferenceAccess(USER_KEY);
    await platform.arrived(1);
    first.abort(new Error('request handler gone'));
    await expect(a).rejects.toBeInstanceOf(AbortError);
    platform.answer(0, { authorized: true });
    expect(await b).toBe(true);
    expect(platform.held).toHaveLength(1);
    // The answer filled the cache for everyone.
    expect(await client.authorizeInferenceAccess(USER_KEY)).toBe(true);
    expect(platform.held).toHaveLength(1);
  });

  it('getSecret: the first caller aborting does not fail the second', async () => {
    const platform = await heldPlatform();
    await using client = new PlatformClient({ token: TOKEN, baseUrl: platform.url, env: {} });
    const first = new AbortController();
    const a = client.getSecret(SECRET, { signal: first.signal });
    const b = client.getSecret(SECRET);
    await platform.arrived(1);
    first.abort();
    await expect(a).rejects.toBeInstanceOf(AbortError);
    platform.answer(0, fixture('get-secret').response.body);
    expect((await b).name).toBe('OPENAI_API_KEY');
    expect(platform.held).toHaveLength(1);
  });

  it('when every waiter has gone the shared request is aborted, and nothing is cached', async () => {
    const platform = await heldPlatform();
    await using client = new PlatformClient({ token: TOKEN, baseUrl: platform.url, env: {} });
    const one = new AbortController();
    const two = new AbortController();
    const a = client.getSecret(SECRET, { signal: one.signal });
    const b = client.getSecret(SECRET, { signal: two.signal });
    await platform.arrived(1);
    one.abort();
    await expect(a).rejects.toBeInstanceOf(AbortError);
    expect(platform.held[0]?.res.destroyed).toBe(false);
    two.abort();
    await expect(b).rejects.toBeInstanceOf(AbortError);
    await platform.held[0]?.dropped;
    // The aborted load left no entry: the next call asks again.
    const c = client.getSecret(SECRET);
    await platform.arrived(2);
    platform.answer(1, fixture('get-secret').response.body);
    expect((await c).name).toBe('OPENAI_API_KEY');
  });

  it('an already aborted caller starts nothing', async () => {
    const platform = await heldPlatform();
    await using client = new PlatformClient({ token: TOKEN, baseUrl: platform.url, env: {} });
    const error = await client
      .authorizeInferenceAccess(USER_KEY, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(platform.held).toHaveLength(0);
  });
});

describe('cache TTLs follow a monotonic clock', () => {
  it('setting the wall clock back an hour does not keep a revoked key authorised', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    let revoked = false;
    const server = await startServer(async (req, res) => {
      for await (const _ of req) {
        // drain the body
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ authorized: !revoked }));
    });
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    expect(await client.authorizeInferenceAccess(USER_KEY)).toBe(true);
    revoked = true;
    // The wall clock steps back an hour (NTP, a VM restored); monotonic time moves on 60 s.
    vi.setSystemTime(Date.now() - 60 * 60 * 1000);
    vi.advanceTimersByTime(60_000);
    expect(await client.authorizeInferenceAccess(USER_KEY)).toBe(false);
  });
});
