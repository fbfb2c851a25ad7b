import {
  AbortError,
  ConfigurationError,
  ConnectionError,
  createApiError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRetryableCall, resolveRetryPolicy, retryDelayFor } from './retry-policy.js';
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

describe('retryDelayFor: which failures are retried, and after how long', () => {
  const policy = resolveRetryPolicy({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 }, {});
  const api = (status: number, init: { retriable?: boolean; retryAfterMs?: number } = {}) =>
    createApiError(`HTTP ${status}`, { status, ...init });

  afterEach(() => vi.restoreAllMocks());

  it('retries a connection error and an attempt timeout with the computed backoff', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const reset = new ConnectionError('socket hang up');
    const slow = new TimeoutError('too slow', { timeout: 'attempt', timeoutMs: 50 });
    expect(retryDelayFor(reset, 0, 3, policy, undefined)).toBe(50);
    expect(retryDelayFor(slow, 0, 3, policy, undefined)).toBe(50);
    expect(retryDelayFor(reset, 2, 3, policy, undefined)).toBe(200);
  });

  it.each([
    ['a response that failed validation', new ResponseValidationError({ issues: [] })],
    ['an abort', new AbortError('aborted by the caller')],
    ['a stream error', new StreamError('cut short', { code: 'truncated' })],
    ['a configuration error', new ConfigurationError('bad option')],
  ])('never retries %s', (_name, failure) => {
    expect(retryDelayFor(failure, 0, 3, policy, undefined)).toBeUndefined();
  });

  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i by default', (status) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(retryDelayFor(api(status), 1, 3, policy, undefined)).toBe(100);
  });

  it.each([400, 401, 403, 404, 409, 422, 501])('does not retry HTTP %i by default', (status) => {
    expect(retryDelayFor(api(status), 0, 3, policy, undefined)).toBeUndefined();
    // The server cannot make a status retried that the policy does not list.
    expect(
      retryDelayFor(api(status, { retriable: true }), 0, 3, policy, undefined),
    ).toBeUndefined();
  });

  it('does not retry when the server says retriable: false', () => {
    expect(retryDelayFor(api(503, { retriable: false }), 0, 3, policy, undefined)).toBeUndefined();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(retryDelayFor(api(503, { retriable: true }), 0, 3, policy, undefined)).toBe(0);
  });

  it("waits exactly the server's hint, including 0 (retry at once), up to maxRetryDelayMs", () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    expect(retryDelayFor(api(429, { retryAfterMs: 0 }), 0, 3, policy, undefined)).toBe(0);
    expect(retryDelayFor(api(503, { retryAfterMs: 1500 }), 0, 3, policy, undefined)).toBe(1500);
    expect(retryDelayFor(api(429, { retryAfterMs: 60_000 }), 0, 3, policy, undefined)).toBe(60_000);
    expect(
      retryDelayFor(api(429, { retryAfterMs: 60_001 }), 0, 3, policy, undefined),
    ).toBeUndefined();
  });

  it('stops after maxRetries', () => {
    const reset = new ConnectionError('reset');
    expect(retryDelayFor(reset, 2, 3, policy, undefined)).toBeDefined();
    expect(retryDelayFor(reset, 3, 3, policy, undefined)).toBeUndefined();
    expect(retryDelayFor(reset, 0, 0, policy, undefined)).toBeUndefined();
  });

  it('retries within a total deadline, and not when the wait would reach it', () => {
    vi.spyOn(performance, 'now').mockReturnValue(10_000);
    const hinted = api(503, { retryAfterMs: 1000 });
    expect(retryDelayFor(hinted, 0, 3, policy, 11_001)).toBe(1000);
    expect(retryDelayFor(hinted, 0, 3, policy, 11_000)).toBeUndefined();
    expect(retryDelayFor(hinted, 0, 3, policy, 10_500)).toBeUndefined();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(retryDelayFor(new ConnectionError('reset'), 0, 3, policy, 60_000)).toBe(50);
    expect(retryDelayFor(new ConnectionError('reset'), 0, 3, policy, 10_050)).toBeUndefined();
  });
});

describe('resolveRetryPolicy', () => {
  it('rounds maxRetries down and never below 0', () => {
    expect(resolveRetryPolicy({ maxRetries: 2.9 }, undefined).maxRetries).toBe(2);
    expect(resolveRetryPolicy({ maxRetries: -3 }, undefined).maxRetries).toBe(0);
    expect(resolveRetryPolicy(undefined, { statuses: [418] }).statuses).toEqual(new Set([418]));
    expect(
      resolveRetryPolicy({ baseDelayMs: 1, maxDelayMs: 2, maxRetryDelayMs: 3 }, undefined),
    ).toMatchObject({ baseDelayMs: 1, maxDelayMs: 2, maxRetryDelayMs: 3 });
  });

  it('retries TRACE like the other safe methods, and not CONNECT', () => {
    expect(isRetryableCall('TRACE', {})).toBe(true);
    expect(isRetryableCall('CONNECT', {})).toBe(false);
  });
});
