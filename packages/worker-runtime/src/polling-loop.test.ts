import { createApiError } from '@uplink/core-schemas';
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import type { SatellitePlatform } from '@uplink/platform-client';
import { createTask } from '@uplink/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerFatalError } from './errors.js';
import { WorkerMetrics } from './metrics.js';
import { PollingLoop } from './polling-loop.js';

function stubClient(answers: (() => SatelliteTask[])[]) {
  const listTasks = vi.fn(async () => {
    const next = answers.shift();
    return next ? next() : [];
  });
  return { client: { listTasks } as unknown as SatellitePlatform, listTasks };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('PollingLoop', () => {
  it('polls again at once while work arrives, then waits the interval when idle', async () => {
    vi.useFakeTimers();
    const task = createTask({ status: 'pending' });
    const { client, listTasks } = stubClient([() => [task], () => [task]]);
    const dispatch = vi.fn(async () => {});
    const loop = new PollingLoop({ client, dispatch, intervalMs: 1000 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    // poll 1 brought work → poll 2 at once; the same task (still pending) is not restarted.
    expect(listTasks).toHaveBeenCalledTimes(2);
    expect(dispatch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(listTasks).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(listTasks).toHaveBeenCalledTimes(3);
    await loop.stop();
  });

  it('backs off exponentially (capped) after errors and resets after a success', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const fail = () => {
      throw createApiError('Service Unavailable', { status: 503 });
    };
    const { client, listTasks } = stubClient([fail, fail, fail, fail, fail, () => []]);
    const metrics = new WorkerMetrics();
    const loop = new PollingLoop({
      client,
      dispatch: async () => {},
      intervalMs: 5000,
      backoffBaseMs: 100,
      backoffMaxMs: 1000,
      metrics,
    });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(listTasks).toHaveBeenCalledTimes(1);
    // Full jitter with random()≈1: 99, 199, 399, 799, then the cap 999.
    for (const [delay, calls] of [
      [99, 2],
      [199, 3],
      [399, 4],
      [799, 5],
      [999, 6],
    ] as const) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(listTasks).toHaveBeenCalledTimes(calls - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(listTasks).toHaveBeenCalledTimes(calls);
    }
    expect(metrics.pollErrors).toBe(5);
    expect(loop.consecutiveErrors).toBe(0);
    await loop.stop();
  });

  it('stops with a fatal error on 401/403 instead of looping', async () => {
    const { client, listTasks } = stubClient([
      () => {
        throw createApiError('Not authenticated', { status: 401 });
      },
    ]);
    const onFatal = vi.fn();
    const loop = new PollingLoop({ client, dispatch: async () => {}, onFatal, intervalMs: 1 });
    await loop.start();
    expect(listTasks).toHaveBeenCalledTimes(1);
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(onFatal.mock.calls[0]?.[0]).toBeInstanceOf(WorkerFatalError);
    expect(String(onFatal.mock.calls[0]?.[0])).toMatch(/HTTP 401.*SATELLITE_TOKEN/);
  });

  it('never runs more than `concurrency` tasks and skips busy ones', async () => {
    const tasks = Array.from({ length: 5 }, () => createTask({ status: 'pending' }));
    const { client } = stubClient([() => tasks, () => tasks, () => tasks, () => tasks]);
    let active = 0;
    let max = 0;
    const release: (() => void)[] = [];
    const dispatch = vi.fn(async () => {
      active++;
      max = Math.max(max, active);
      await new Promise<void>((resolve) => release.push(resolve));
      active--;
    });
    const loop = new PollingLoop({
      client,
      dispatch,
      concurrency: 2,
      intervalMs: 1,
      isBusy: (id) => id === tasks[4]?.id,
    });
    void loop.start();
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledTimes(2));
    expect(loop.inFlight).toHaveLength(2);
    release.shift()?.();
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledTimes(3));
    release.shift()?.();
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledTimes(4));
    expect(active).toBe(2);
    await loop.stop();
    for (const r of release) r();
    await loop.drain();
    expect(max).toBe(2);
    expect(dispatch).toHaveBeenCalledTimes(4);
    expect(dispatch.mock.calls.map((c) => (c as unknown[])[0])).not.toContainEqual(tasks[4]);
  });
});
