import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { pickTransportOptions } from './transport-options.js';

describe('pickTransportOptions', () => {
  it('keeps only the transport keys that are set', () => {
    const signal = new AbortController().signal;
    const picked = pickTransportOptions({
      timeoutMs: 5,
      totalTimeoutMs: undefined,
      retry: false,
      logger: silentLogger,
      signal,
      headers: { 'x-a': '1' },
      // A client's own option rides along in its options object and must not leak through.
      ...({ apiKey: 'sk_secret' } as object),
    });
    expect(picked).toEqual({
      timeoutMs: 5,
      retry: false,
      logger: silentLogger,
      signal,
      headers: { 'x-a': '1' },
    });
    expect('totalTimeoutMs' in picked).toBe(false);
  });
});
