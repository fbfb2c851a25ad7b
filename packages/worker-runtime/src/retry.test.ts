import { AbortError, ConnectionError, createApiError, TimeoutError } from '@uplink/core-schemas';
import { describe, expect, it, vi } from 'vitest';
import { isTransientError, retry, retryDelayMs } from './retry.js';

const api = (status: number, extra: { retryAfterMs?: number } = {}) =>
  createApiError(`HTTP ${status}`, { status, ...extra });

describe('retry', () => {
  it('retries transient failures, then returns the value', async () => {
    const fn = vi
      .fn()
      .mockRejectedValueOnce(new ConnectionError('reset'))
      .mockRejectedValueOnce(api(503))
      .mockResolvedValueOnce('ok');
    const onRetry = vi.fn();
    await expect(retry(fn, { maxAttempts: 3, backoff: () => 0, onRetry })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(fn.mock.calls.map((c) => c[0])).toEqual([1, 2, 3]);
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it('rethrows the last error after maxAttempts', async () => {
    const fn = vi.fn().mockRejectedValue(api(500));
    await expect(
      retry(fn, { maxAttempts: 2, backoff: { baseDelayMs: 1, maxDelayMs: 1 } }),
    ).rejects.toMatchObject({ status: 500 });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('does not retry permanent errors, and honours retryOn', async () => {
    const notFound = vi.fn().mockRejectedValue(api(404));
    await expect(retry(notFound, { maxAttempts: 5 })).rejects.toMatchObject({ status: 404 });
    expect(notFound).toHaveBeenCalledTimes(1);
    const custom = vi.fn().mockRejectedValueOnce(new Error('flaky')).mockResolvedValue(1);
    await expect(retry(custom, { retryOn: () => true, backoff: () => 0 })).resolves.toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const promise = retry(() => Promise.reject(api(503)), {
        maxAttempts: 10,
        backoff: () => 60_000,
        signal: controller.signal,
      });
      const assertion = expect(promise).rejects.toBeInstanceOf(AbortError);
      await vi.advanceTimersByTimeAsync(10);
      controller.abort();
      await assertion;
      await expect(retry(() => 1, { signal: controller.signal })).rejects.toBeInstanceOf(
        AbortError,
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('classifies transient errors and uses Retry-After hints', () => {
    expect(isTransientError(new ConnectionError('x'))).toBe(true);
    expect(isTransientError(new TimeoutError('x', { timeout: 'attempt' }))).toBe(true);
    expect(isTransientError(api(429))).toBe(true);
    expect(isTransientError(api(408))).toBe(true);
    expect(isTransientError(api(502))).toBe(true);
    expect(isTransientError(api(400))).toBe(false);
    expect(isTransientError(new AbortError())).toBe(false);
    expect(isTransientError(new Error('x'))).toBe(false);
    expect(retryDelayMs(api(429, { retryAfterMs: 0 }), 3, undefined)).toBe(0);
    expect(retryDelayMs(api(429, { retryAfterMs: 5_000_000 }), 1, undefined)).toBe(60_000);
    const d = retryDelayMs(api(503), 4, { baseDelayMs: 100, maxDelayMs: 300 });
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThan(300);
  });
});
