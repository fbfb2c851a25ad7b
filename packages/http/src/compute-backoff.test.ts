import { describe, expect, it } from 'vitest';
import { computeBackoff } from './compute-backoff.js';

describe('computeBackoff', () => {
  it('doubles the ceiling per attempt from 500 ms and caps it at 8 s (full jitter)', () => {
    const top = () => 0.999999;
    expect(computeBackoff(0, { random: top })).toBe(499);
    expect(computeBackoff(1, { random: top })).toBe(999);
    expect(computeBackoff(3, { random: top })).toBe(3999);
    expect(computeBackoff(10, { random: top })).toBe(7999);
    expect(computeBackoff(2, { random: () => 0 })).toBe(0);
  });
  it('honours custom base and cap', () => {
    expect(computeBackoff(2, { baseDelayMs: 10, maxDelayMs: 25, random: () => 0.5 })).toBe(12);
  });
  it('stays within [0, ceiling) with the default random source', () => {
    for (let i = 0; i < 100; i++) {
      const d = computeBackoff(1);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(1000);
    }
  });
});

describe('computeBackoff: the attempt count', () => {
  it('treats a negative attempt as the first retry, and never goes above the cap', () => {
    const top = () => 0.999999;
    expect(computeBackoff(-1, { random: top })).toBe(499);
    expect(computeBackoff(4, { baseDelayMs: 500, maxDelayMs: 8000, random: top })).toBe(7999);
    expect(computeBackoff(5, { baseDelayMs: 500, maxDelayMs: 8000, random: top })).toBe(7999);
    expect(computeBackoff(0, { baseDelayMs: 100, random: () => 0.5 })).toBe(50);
    expect(computeBackoff(6, { maxDelayMs: 20_000, random: () => 0.5 })).toBe(10_000);
  });
});
