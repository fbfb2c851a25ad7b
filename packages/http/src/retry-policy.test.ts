import { describe, expect, it } from 'vitest';
import { isRetryableCall, resolveRetryPolicy } from './retry-policy.js';
import { SecretStore } from './secret-store.js';

describe('retry policy', () => {
  it('has the documented defaults', () => {
    const p = resolveRetryPolicy(undefined, undefined);
    expect(p.maxRetries).toBe(2);
    expect([...p.statuses]).toEqual([408, 429, 500, 502, 503, 504]);
    expect([p.baseDelayMs, p.maxDelayMs, p.maxRetryDelayMs]).toEqual([500, 8000, 60_000]);
  });
  it('merges call over client, and false wins', () => {
    expect(resolveRetryPolicy({ maxRetries: 5, baseDelayMs: 1 }, { maxRetries: 1 })).toMatchObject({
      maxRetries: 1,
      baseDelayMs: 1,
    });
    expect(resolveRetryPolicy(false, { maxRetries: 3 }).maxRetries).toBe(0);
    expect(resolveRetryPolicy({ maxRetries: 3 }, false).maxRetries).toBe(0);
  });
  it('retries safe methods, and POST/PATCH only with a key or when marked idempotent', () => {
    for (const m of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
      expect(isRetryableCall(m, {})).toBe(true);
    expect(isRetryableCall('POST', {})).toBe(false);
    expect(isRetryableCall('PATCH', {})).toBe(false);
    expect(isRetryableCall('POST', { idempotencyKey: 'k' })).toBe(true);
    expect(isRetryableCall('PATCH', { idempotent: true })).toBe(true);
    expect(isRetryableCall('GET', { idempotent: false })).toBe(false);
  });
});

describe('SecretStore', () => {
  it('keeps credentials, their bare token, and a bounded history', () => {
    const store = new SecretStore(['configured-secret', 'abc'], {
      'X-API-Key': 'key-123456',
      Accept: 'json',
    });
    store.addCredential('Bearer tok-abcdef');
    expect(store.values()).toEqual([
      'configured-secret',
      'key-123456',
      'Bearer tok-abcdef',
      'tok-abcdef',
    ]);
    for (let i = 0; i < 40; i++) store.add(`rotating-${i}`);
    expect(store.values()).toHaveLength(32);
    expect(store.values()).toContain('rotating-39');
    expect(store.values()).not.toContain('configured-secret');
  });
});
