import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRetryAfter } from './parse-retry-after.js';

const h = (init: Record<string, string>) => new Headers(init);

describe('parseRetryAfter', () => {
  afterEach(() => vi.useRealTimers());

  it('reads retry-after-ms first', () => {
    expect(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
  });
  it('reads Retry-After seconds, including fractions', () => {
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(h({ 'retry-after': '1.5' }))).toBe(1500);
  });
  it('reads Retry-After as an HTTP date, and a past date as 0', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    expect(parseRetryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }))).toBe(3000);
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }))).toBe(0);
  });
  it('reads X-Backoff-Ms when there is no Retry-After', () => {
    expect(parseRetryAfter(h({ 'x-backoff-ms': '1000' }))).toBe(1000);
  });
  it('falls back to a JSON body retry_after_ms', () => {
    expect(parseRetryAfter(h({}), { retry_after_ms: 1500 })).toBe(1500);
    expect(parseRetryAfter(h({}), { retry_after_ms: -1 })).toBeUndefined();
    expect(parseRetryAfter(h({}), ['x'])).toBeUndefined();
  });
  it('ignores garbage and returns undefined without hints', () => {
    expect(parseRetryAfter(h({ 'retry-after': 'soon', 'retry-after-ms': '-5' }))).toBeUndefined();
    expect(parseRetryAfter(h({}))).toBeUndefined();
  });
});

describe('parseRetryAfter with several hints', () => {
  const headers = (init: Record<string, string>) => new Headers(init);
  it('prefers millisecond hints to whole-second Retry-After (llama-orch sends both)', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '1', 'x-backoff-ms': '1500' }))).toBe(1500);
    expect(parseRetryAfter(headers({ 'retry-after': '3' }), { retry_after_ms: 2500 })).toBe(2500);
  });
  it('takes the largest of disagreeing millisecond hints', () => {
    expect(
      parseRetryAfter(headers({ 'retry-after-ms': '200', 'x-backoff-ms': '900' }), {
        retry_after_ms: 400,
      }),
    ).toBe(900);
  });
  it('falls back to Retry-After when no millisecond hint is given', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), { other: 1 })).toBe(2000);
  });
});

describe('parseRetryAfter: zero, rounding and malformed hints', () => {
  afterEach(() => vi.useRealTimers());

  it('reads 0 as "retry now" in every form', () => {
    expect(parseRetryAfter(h({ 'retry-after': '0' }))).toBe(0);
    expect(parseRetryAfter(h({ 'retry-after-ms': '0' }))).toBe(0);
    expect(parseRetryAfter(h({ 'x-backoff-ms': '0' }))).toBe(0);
    expect(parseRetryAfter(h({}), { retry_after_ms: 0 })).toBe(0);
    // A zero millisecond hint still wins over a whole-second Retry-After.
    expect(parseRetryAfter(h({ 'retry-after': '1', 'x-backoff-ms': '0' }))).toBe(0);
  });

  it('rounds to whole milliseconds and trims spaces', () => {
    expect(parseRetryAfter(h({ 'retry-after': ' 0.0015 ' }))).toBe(2);
    expect(parseRetryAfter(h({ 'x-backoff-ms': '12.4' }))).toBe(12);
    expect(parseRetryAfter(h({}), { retry_after_ms: 7.6 })).toBe(8);
  });

  it.each([
    ['a unit', '5s'],
    ['a sign', '+5'],
    ['an exponent', '1e3'],
    ['a bare dot', '5.'],
    ['a leading dot', '.5'],
    ['a list', '1, 2'],
  ])('ignores a number with %s', (_name, raw) => {
    expect(parseRetryAfter(h({ 'retry-after-ms': raw, 'x-backoff-ms': raw }))).toBeUndefined();
  });

  it('ignores a body hint that is not a finite number, and a body that is not an object', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, '1000', null, -0.5]) {
      expect(parseRetryAfter(h({}), { retry_after_ms: value })).toBeUndefined();
    }
    for (const body of [null, 'retry later', 42, [1000]]) {
      expect(parseRetryAfter(h({ 'retry-after': '2' }), body)).toBe(2000);
    }
  });

  it('ignores a blank Retry-After and a date that does not parse', () => {
    expect(parseRetryAfter(h({ 'retry-after': '   ' }))).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'Someday, 99 Foo 2026' }))).toBeUndefined();
  });

  it('reads the date form to the millisecond of the clock', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00.250Z'));
    expect(parseRetryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }))).toBe(2750);
  });
});
