import { getEventListeners } from 'node:events';
import { AbortError } from '@uplink/core-schemas';
import { describe, expect, it, vi } from 'vitest';
import { anySignal } from './any-signal.js';
import { sleep } from './sleep.js';

describe('anySignal', () => {
  it('aborts with the first source reason and removes its listeners', () => {
    const a = new AbortController();
    const b = new AbortController();
    const combined = anySignal([a.signal, undefined, b.signal]);
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(1);
    b.abort('why');
    expect(combined.signal.aborted).toBe(true);
    expect(combined.signal.reason).toBe('why');
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(0);
  });
  it('is aborted at once when a source already is', () => {
    const a = new AbortController();
    a.abort('early');
    const other = new AbortController();
    const combined = anySignal([other.signal, a.signal]);
    expect(combined.signal.reason).toBe('early');
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
  });
  it('dispose() detaches from every source', () => {
    const a = new AbortController();
    const combined = anySignal([a.signal]);
    combined.dispose();
    combined.dispose();
    a.abort();
    expect(combined.signal.aborted).toBe(false);
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
  });
});

describe('sleep', () => {
  it('resolves after the delay and leaves no listener', async () => {
    vi.useFakeTimers();
    try {
      const c = new AbortController();
      const done = vi.fn();
      const p = sleep(100, c.signal).then(done);
      await vi.advanceTimersByTimeAsync(99);
      expect(done).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      await p;
      expect(done).toHaveBeenCalled();
      expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
  it('rejects with AbortError on abort, before or during the wait', async () => {
    const c = new AbortController();
    const p = sleep(10_000, c.signal);
    c.abort('stop');
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe('stop');
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
    await expect(sleep(1, c.signal)).rejects.toBeInstanceOf(AbortError);
  });
  it('works without a signal', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
