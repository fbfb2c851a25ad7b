import { AbortError } from '@uplink/core-schemas';
import { describe, expect, it, vi } from 'vitest';
import { TtlCache } from '../src/ttl-cache.js';

describe('TtlCache', () => {
  it('reuses a value until the TTL passes, then loads again', async () => {
    let now = 1_000;
    const cache = new TtlCache<number>({ ttlMs: 60_000, now: () => now });
    const load = vi.fn(async () => now);
    expect(await cache.get('k', load)).toBe(1_000);
    now += 59_999;
    expect(await cache.get('k', load)).toBe(1_000);
    expect(load).toHaveBeenCalledTimes(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(61_000);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent callers', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000 });
    let release: (value: string) => void = () => {};
    const load = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const first = cache.get('k', load);
    const second = cache.get('k', load);
    release('v');
    expect(await Promise.all([first, second])).toEqual(['v', 'v']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failure', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000 });
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', async () => 'up')).toBe('up');
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const cache = new TtlCache<number>({ ttlMs: 1_000, maxEntries: 2 });
    await cache.get('a', async () => 1);
    await cache.get('b', async () => 2);
    await cache.get('c', async () => 3);
    expect(cache.size).toBe(2);
    const reload = vi.fn(async () => 10);
    expect(await cache.get('a', reload)).toBe(10);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('forgets one key or all keys', async () => {
    const cache = new TtlCache<number>({ ttlMs: 1_000 });
    await cache.get('a', async () => 1);
    await cache.get('b', async () => 2);
    cache.delete('a');
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('gives the shared load its own signal; a caller without a signal keeps it alive', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000 });
    let release: (value: string) => void = () => {};
    let loadSignal: AbortSignal | undefined;
    const load = vi.fn((signal: AbortSignal) => {
      loadSignal = signal;
      return new Promise<string>((resolve) => (release = resolve));
    });
    const leaving = new AbortController();
    const a = cache.get('k', load, leaving.signal, 'GET /thing');
    const b = cache.get('k', load);
    leaving.abort();
    const error = await a.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('GET /thing was aborted by the caller');
    expect(loadSignal?.aborted).toBe(false);
    release('v');
    expect(await b).toBe('v');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('aborts and forgets the load once every waiting caller has left', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000 });
    let loadSignal: AbortSignal | undefined;
    const load = (signal: AbortSignal) => {
      loadSignal = signal;
      return new Promise<string>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
    };
    const one = new AbortController();
    const two = new AbortController();
    const a = cache.get('k', load, one.signal);
    const b = cache.get('k', load, two.signal);
    one.abort();
    await expect(a).rejects.toBeInstanceOf(AbortError);
    expect(loadSignal?.aborted).toBe(false);
    two.abort();
    await expect(b).rejects.toBeInstanceOf(AbortError);
    expect(loadSignal?.aborted).toBe(true);
    expect(cache.size).toBe(0);
  });
});
