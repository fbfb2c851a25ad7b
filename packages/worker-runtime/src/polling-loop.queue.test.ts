// The local task queue of the polling loop, against the fake platform over real HTTP (and a
// scripted client where exact timing matters). These rules protect tasks from running twice.
import { ConfigurationError } from '@uplink/core-schemas';
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import { PlatformClient, type SatellitePlatform } from '@uplink/platform-client';
import { createTask, type FakeLumlPlatform, startFakeLumlPlatform } from '@uplink/testing';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { PollingLoop } from './polling-loop.js';

const LIST = 'GET /satellites/v1/tasks';

async function fakePlatform() {
  const platform = await startFakeLumlPlatform();
  const { satellite, token } = platform.createSatellite({ name: 'queue-test' });
  const client = new PlatformClient({ token, platformUrl: platform.url, retry: false });
  onTestFinished(async () => {
    await client.close();
    await platform.close();
  });
  const enqueue = (scheduledAt: string): SatelliteTask =>
    platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {}, scheduledAt });
  return { platform, client, enqueue };
}

/** The status the fake platform holds for a task. */
const statusOf = (platform: FakeLumlPlatform, id: string): string | undefined =>
  platform.tasks.find((task) => task.id === id)?.status;

/** A dispatch that does what the worker does: post `running`, run, post `done`. */
function reportingDispatch(client: SatellitePlatform, started: string[]) {
  return async (task: SatelliteTask): Promise<void> => {
    started.push(task.id);
    await client.updateTaskStatus(task.id, 'running');
    await client.updateTaskStatus(task.id, 'done', {});
  };
}

/** A dispatch that holds each task until the test releases it. */
function heldDispatch() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const dispatch = vi.fn(async (task: SatelliteTask) => {
    started.push(task.id);
    await new Promise<void>((resolve) => releases.set(task.id, resolve));
  });
  const release = (id: string | undefined): void => {
    const open = id === undefined ? undefined : releases.get(id);
    if (!open) throw new Error(`task ${id} is not running`);
    open();
  };
  return { dispatch, started, release };
}

/** A scripted client: each poll returns the next answer (the last one repeats). */
function stubClient(answers: SatelliteTask[][]) {
  const listTasks = vi.fn(async () => (answers.length > 1 ? answers.shift() : answers[0]) ?? []);
  return { client: { listTasks } as unknown as SatellitePlatform, listTasks };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PollingLoop queue, against the fake platform', () => {
  it('takes a whole backlog from one poll and starts it in scheduled_at order, not listing again per task', async () => {
    const { platform, client, enqueue } = await fakePlatform();
    // Created out of order: the platform lists by scheduled_at, and so must the starts be.
    const created = [5, 1, 4, 2, 6, 3].map((minute) =>
      enqueue(`2026-08-17T15:0${minute}:00.000000Z`),
    );
    const expected = [...created]
      .sort((a, b) => a.scheduled_at.localeCompare(b.scheduled_at))
      .map((task) => task.id);
    const started: string[] = [];
    const loop = new PollingLoop({
      client,
      dispatch: reportingDispatch(client, started),
      intervalMs: 60_000,
    });
    void loop.start();
    await vi.waitFor(() => expect(started).toHaveLength(6), { timeout: 10_000 });
    await vi.waitFor(() => expect(platform.calls[LIST]).toBe(2), { timeout: 10_000 });
    await loop.stop();
    await loop.drain();
    expect(started).toEqual(expected);
    // One poll brought all six; the second, once the queue drained, found nothing new.
    expect(platform.calls[LIST]).toBe(2);
    for (const id of expected) expect(statusOf(platform, id)).toBe('done');
  });

  it('never starts a task twice while the platform keeps listing it pending, across many polls', async () => {
    const { platform, client, enqueue } = await fakePlatform();
    const tasks = [1, 2, 3, 4].map((minute) => enqueue(`2026-08-17T15:0${minute}:00Z`));
    // Nothing is reported: every poll lists all four as pending again.
    const dispatched: string[] = [];
    const loop = new PollingLoop({
      client,
      concurrency: 2,
      dispatch: async (task) => {
        dispatched.push(task.id);
      },
      intervalMs: 1,
    });
    void loop.start();
    await vi.waitFor(() => expect(platform.calls[LIST]).toBeGreaterThanOrEqual(6), {
      timeout: 10_000,
    });
    await loop.stop();
    await loop.drain();
    expect(dispatched.sort()).toEqual(tasks.map((task) => task.id).sort());
    for (const task of tasks) expect(statusOf(platform, task.id)).toBe('pending');
  });

  it('never starts a task a new loop finds busy (its update still waiting in the outbox after a restart)', async () => {
    const { platform, client, enqueue } = await fakePlatform();
    const waiting = enqueue('2026-08-17T15:01:00Z');
    const fresh = enqueue('2026-08-17T15:02:00Z');
    const busy = new Set([waiting.id]);
    const started: string[] = [];
    const loop = new PollingLoop({
      client,
      dispatch: reportingDispatch(client, started),
      isBusy: (id) => busy.has(id),
      intervalMs: 1,
    });
    void loop.start();
    await vi.waitFor(() => expect(platform.calls[LIST]).toBeGreaterThanOrEqual(4), {
      timeout: 10_000,
    });
    await loop.stop();
    await loop.drain();
    expect(started).toEqual([fresh.id]);
    expect(statusOf(platform, waiting.id)).toBe('pending');
  });

  it('stop(): queued tasks are not started and stay pending; the running one finishes and drain waits for it', async () => {
    const { platform, client, enqueue } = await fakePlatform();
    const tasks = [1, 2, 3, 4].map((minute) => enqueue(`2026-08-17T15:0${minute}:00Z`));
    const ids = tasks.map((task) => task.id);
    const { dispatch, started, release } = heldDispatch();
    const loop = new PollingLoop({ client, dispatch, intervalMs: 60_000 });
    void loop.start();
    await vi.waitFor(() => expect(started).toEqual([ids[0]]), { timeout: 10_000 });
    expect(loop.queued).toEqual(ids.slice(1));
    const stopping = loop.stop();
    // Forgotten at once, before the loop has even woken up.
    expect(loop.queued).toEqual([]);
    await stopping;
    expect(loop.inFlight).toEqual([ids[0]]);
    let drained = false;
    const draining = loop.drain().then(() => {
      drained = true;
    });
    await Promise.resolve();
    expect(drained).toBe(false);
    release(ids[0]);
    await draining;
    expect(loop.inFlight).toEqual([]);
    // The slot that freed up did not start a queued task.
    expect(started).toEqual([ids[0]]);
    expect(dispatch).toHaveBeenCalledTimes(1);
    for (const id of ids) expect(statusOf(platform, id)).toBe('pending');
  });
});

describe('PollingLoop queue bounds and timing', () => {
  const backlog = Array.from({ length: 10 }, (_, i) =>
    createTask({ id: `task-${i}`, scheduled_at: `2026-08-17T15:00:0${i}Z` }),
  );

  it('takes at most the free slots plus maxQueuedTasks, polls again only once the queue drained, then at once', async () => {
    vi.useFakeTimers();
    const { client, listTasks } = stubClient([backlog]);
    const { dispatch, started, release } = heldDispatch();
    const loop = new PollingLoop({
      client,
      dispatch,
      concurrency: 2,
      maxQueuedTasks: 3,
      intervalMs: 1000,
    });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['task-0', 'task-1']);
    expect(loop.queued).toEqual(['task-2', 'task-3', 'task-4']);
    // Long after the interval, with the queue still full: no poll.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(listTasks).toHaveBeenCalledTimes(1);
    release('task-0');
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['task-0', 'task-1', 'task-2']);
    expect(loop.queued).toEqual(['task-3', 'task-4']);
    release('task-1');
    await vi.advanceTimersByTimeAsync(0);
    expect(loop.queued).toEqual(['task-4']);
    expect(listTasks).toHaveBeenCalledTimes(1);
    // The last queued task starts: the queue has drained, so the next poll comes at once
    // (no timer advanced), and with both slots busy it may take only maxQueuedTasks.
    release('task-2');
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['task-0', 'task-1', 'task-2', 'task-3', 'task-4']);
    expect(listTasks).toHaveBeenCalledTimes(2);
    expect(loop.queued).toEqual(['task-5', 'task-6', 'task-7']);
    expect(loop.inFlight).toEqual(['task-3', 'task-4']);
    await loop.stop();
  });

  it('re-polls at once while polls bring work, and waits the interval after one that brings nothing new', async () => {
    vi.useFakeTimers();
    const [a, b, c] = backlog;
    const { client, listTasks } = stubClient([
      [a, b],
      [a, b, c],
      [a, b, c],
    ] as SatelliteTask[][]);
    const dispatch = vi.fn(async () => {});
    const loop = new PollingLoop({ client, dispatch, intervalMs: 1000 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    // Poll 1 brought a, b; poll 2 (at once) brought c; poll 3 (at once) brought nothing new.
    expect(listTasks).toHaveBeenCalledTimes(3);
    expect(dispatch.mock.calls.map((call) => (call as unknown as [SatelliteTask])[0].id)).toEqual([
      'task-0',
      'task-1',
      'task-2',
    ]);
    await vi.advanceTimersByTimeAsync(999);
    expect(listTasks).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(listTasks).toHaveBeenCalledTimes(4);
    await loop.stop();
  });

  it('with maxQueuedTasks 0 keeps no queue: one task per free slot, a poll per start', async () => {
    vi.useFakeTimers();
    const { client, listTasks } = stubClient([backlog.slice(0, 3)]);
    const { dispatch, started, release } = heldDispatch();
    const loop = new PollingLoop({ client, dispatch, maxQueuedTasks: 0, intervalMs: 1000 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['task-0']);
    expect(loop.queued).toEqual([]);
    // The slot is busy and there is no queue: no poll, however long the task runs.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(listTasks).toHaveBeenCalledTimes(1);
    release('task-0');
    await vi.advanceTimersByTimeAsync(0);
    expect(listTasks).toHaveBeenCalledTimes(2);
    expect(started).toEqual(['task-0', 'task-1']);
    await loop.stop();
  });

  it('does not start a queued task again that run() started meanwhile', async () => {
    vi.useFakeTimers();
    const { client } = stubClient([backlog.slice(0, 3)]);
    const { dispatch, started, release } = heldDispatch();
    const loop = new PollingLoop({ client, dispatch, intervalMs: 1000 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(loop.queued).toEqual(['task-1', 'task-2']);
    const recovered = loop.run(backlog[1] as SatelliteTask);
    expect(loop.run(backlog[1] as SatelliteTask)).toBe(recovered);
    await vi.advanceTimersByTimeAsync(0);
    expect(loop.queued).toEqual(['task-2']);
    expect(started).toEqual(['task-0', 'task-1']);
    release('task-0');
    await vi.advanceTimersByTimeAsync(0);
    // task-1 (started by run) holds the only slot: nothing else starts yet.
    expect(started).toEqual(['task-0', 'task-1']);
    release('task-1');
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['task-0', 'task-1', 'task-2']);
    release('task-2');
    await loop.stop();
    await loop.drain();
    expect(dispatch).toHaveBeenCalledTimes(3);
  });

  it('holds queued tasks back while holdStarts() says so, and starts them in order on wake()', async () => {
    vi.useFakeTimers();
    const { client, listTasks } = stubClient([backlog.slice(0, 4)]);
    const dispatch = vi.fn(async () => {});
    let held = true;
    const loop = new PollingLoop({
      client,
      dispatch,
      concurrency: 2,
      holdStarts: () => held,
      intervalMs: 1000,
    });
    void loop.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(dispatch).not.toHaveBeenCalled();
    expect(loop.queued).toEqual(['task-0', 'task-1', 'task-2', 'task-3']);
    // Held tasks are still queued: no poll replaces them.
    expect(listTasks).toHaveBeenCalledTimes(1);
    loop.wake();
    expect(dispatch).not.toHaveBeenCalled();
    held = false;
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(dispatch.mock.calls.map((call) => (call as unknown as [SatelliteTask])[0].id)).toEqual([
      'task-0',
      'task-1',
      'task-2',
      'task-3',
    ]);
    expect(listTasks).toHaveBeenCalledTimes(2);
    await loop.stop();
  });

  it('run() of a task that already left the queue does not disturb the tasks still queued', async () => {
    vi.useFakeTimers();
    const { client } = stubClient([backlog.slice(0, 3)]);
    const { dispatch, started, release } = heldDispatch();
    const loop = new PollingLoop({ client, dispatch, intervalMs: 1000 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    release('task-0');
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['task-0', 'task-1']);
    expect(loop.queued).toEqual(['task-2']);
    // task-0 has finished; running it again (as recovery may) leaves the queue as it was.
    void loop.run(backlog[0] as SatelliteTask);
    await vi.advanceTimersByTimeAsync(0);
    expect(loop.queued).toEqual(['task-2']);
    release('task-1');
    release('task-0');
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['task-0', 'task-1', 'task-0', 'task-2']);
    await loop.stop();
    release('task-2');
    await loop.drain();
  });

  it('starts nothing from a poll answered after stop(), and never a listed task that is not pending', async () => {
    vi.useFakeTimers();
    let answer!: (tasks: SatelliteTask[]) => void;
    const listTasks = vi
      .fn()
      .mockResolvedValueOnce([
        createTask({ id: 'running-elsewhere', status: 'running' }),
        createTask({ id: 'finished', status: 'done' }),
        createTask({ id: 'pending', status: 'pending' }),
      ])
      // A platform that answers even though the request was aborted.
      .mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const client = { listTasks } as unknown as SatellitePlatform;
    const dispatch = vi.fn(async () => {});
    const loop = new PollingLoop({ client, dispatch, intervalMs: 1000 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(dispatch.mock.calls.map((call) => (call as unknown as [SatelliteTask])[0].id)).toEqual([
      'pending',
    ]);
    expect(listTasks).toHaveBeenCalledTimes(2);
    const stopping = loop.stop();
    answer([createTask({ id: 'late' })]);
    await stopping;
    await loop.drain();
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(loop.queued).toEqual([]);
  });

  it('refuses a maxQueuedTasks that is not a whole number from 0 to 50,000', () => {
    const { client } = stubClient([[]]);
    for (const bad of [-1, 1.5, 50_001, Number.NaN]) {
      const error = (() => {
        try {
          new PollingLoop({ client, dispatch: async () => {}, maxQueuedTasks: bad });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(String(error)).toContain('maxQueuedTasks: expected a whole number from 0 to 50000');
    }
    expect(
      () => new PollingLoop({ client, dispatch: async () => {}, maxQueuedTasks: 50_000 }),
    ).not.toThrow();
  });
});
