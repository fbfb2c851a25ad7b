import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StallProbe } from './stall-probe.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function probe(answers: (boolean | Error)[], firstMs = 100, maxMs = 350) {
  const checks: number[] = [];
  const signals: AbortSignal[] = [];
  let stalled = 0;
  const started = Date.now();
  const p = new StallProbe({
    firstMs,
    maxMs,
    isFinished: async (signal) => {
      checks.push(Date.now() - started);
      signals.push(signal);
      const answer = answers.shift() ?? false;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    onStalled: () => {
      stalled++;
    },
  });
  return { p, checks, signals, stalled: () => stalled };
}

describe('StallProbe', () => {
  it('checks after firstMs of silence, then at doubling intervals up to maxMs', async () => {
    const { p, checks, stalled } = probe([false, false, false, false]);
    p.arm();
    expect(p.active).toBe(true);
    await vi.advanceTimersByTimeAsync(99);
    expect(checks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(checks).toEqual([100]);
    await vi.advanceTimersByTimeAsync(200);
    expect(checks).toEqual([100, 300]);
    await vi.advanceTimersByTimeAsync(350);
    expect(checks).toEqual([100, 300, 650]);
    await vi.advanceTimersByTimeAsync(350);
    expect(checks).toEqual([100, 300, 650, 1000]);
    expect(stalled()).toBe(0);
    p.disarm();
    expect(p.active).toBe(false);
  });

  it('reports a stall once when the run is finished, and stops checking', async () => {
    const { p, checks, stalled } = probe([false, true]);
    p.arm();
    await vi.advanceTimersByTimeAsync(100);
    await vi.advanceTimersByTimeAsync(200);
    expect(stalled()).toBe(1);
    expect(p.active).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(checks).toHaveLength(2);
    expect(stalled()).toBe(1);
  });

  it('counts a failed check as "not finished" and keeps going', async () => {
    const { p, checks, stalled } = probe([new Error('503'), true]);
    p.arm();
    await vi.advanceTimersByTimeAsync(100);
    expect(stalled()).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(checks).toHaveLength(2);
    expect(stalled()).toBe(1);
  });

  it('disarm clears the timer and abandons a check in flight (its answer is ignored)', async () => {
    let resolveCheck!: (finished: boolean) => void;
    let stalled = 0;
    let signal: AbortSignal | undefined;
    const p = new StallProbe({
      firstMs: 10,
      maxMs: 10,
      isFinished: (s) => {
        signal = s;
        return new Promise((resolve) => {
          resolveCheck = resolve;
        });
      },
      onStalled: () => {
        stalled++;
      },
    });
    p.arm();
    await vi.advanceTimersByTimeAsync(10);
    expect(p.active).toBe(true);
    p.disarm();
    expect(signal?.aborted).toBe(true);
    expect(p.active).toBe(false);
    resolveCheck(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(stalled).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('arm restarts from firstMs (an event arrived)', async () => {
    const { p, checks } = probe([false, false]);
    p.arm();
    await vi.advanceTimersByTimeAsync(80);
    p.arm();
    await vi.advanceTimersByTimeAsync(80);
    expect(checks).toEqual([]);
    await vi.advanceTimersByTimeAsync(20);
    expect(checks).toEqual([180]);
    p.disarm();
    expect(vi.getTimerCount()).toBe(0);
  });
});
