import { createApiError } from '@uplink/core-schemas';
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import type { RejectedTaskRow, SatellitePlatform } from '@uplink/platform-client';
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

/** A logger that keeps every line, with its level and fields. */
function recordingLogger() {
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: unknown): void =>
      void lines.push({ level, message, fields });
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

/** A pending task with a readable id. */
const pending = (id: string) => createTask({ id, status: 'pending' });

/** A listing with rows the client could not read beside the good ones. */
const withRejected = (tasks: SatelliteTask[], rejected: RejectedTaskRow[]) =>
  Object.assign([...tasks], { rejected });
const badRow = (id: string | undefined): RejectedTaskRow => ({
  index: 0,
  id,
  type: 'deploy',
  problem: 'payload: expected Object',
  issues: [],
});

describe('PollingLoop: what it says', () => {
  it('names the host when a poll fails, and says when the platform is reachable again', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const fail = () => {
      throw createApiError('Service Unavailable', { status: 503 });
    };
    const { client } = stubClient([fail, fail, () => []]);
    const { lines, logger } = recordingLogger();
    const loop = new PollingLoop({
      client,
      dispatch: async () => {},
      logger,
      host: '127.0.0.1:8000',
      backoffBaseMs: 1000,
      intervalMs: 60_000,
    });
    void loop.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'platform error (127.0.0.1:8000: HTTP 503: Service Unavailable), retrying in 0.5 s'],
      ['warn', 'platform error (127.0.0.1:8000: HTTP 503: Service Unavailable), retrying in 1 s'],
      ['info', 'platform reachable again (127.0.0.1:8000) after 2 failed poll(s)'],
    ]);
    expect(lines[1]?.fields).toEqual({
      attempt: 2,
      delayMs: 1000,
      error: 'Service Unavailable',
    });
    await loop.stop();
  });

  it('says "the platform" without a host, and nothing about recovery when no poll failed', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { client } = stubClient([
      () => [],
      () => {
        throw createApiError('Service Unavailable', { status: 503 });
      },
      () => [],
    ]);
    const { lines, logger } = recordingLogger();
    const loop = new PollingLoop({ client, dispatch: async () => {}, logger, intervalMs: 100 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(700);
    expect(lines.map((l) => l.message)).toEqual([
      'platform error (the platform: HTTP 503: Service Unavailable), retrying in 0.5 s',
      'platform reachable again (the platform) after 1 failed poll(s)',
    ]);
    await loop.stop();
  });

  it('logs a dispatch that throws, by task, and goes on with the next task', async () => {
    const tasks = [pending('a'), pending('b')];
    const { client } = stubClient([() => tasks]);
    const { lines, logger } = recordingLogger();
    const dispatch = vi.fn(async (task: SatelliteTask) => {
      if (task.id === 'a') throw new Error('handler table broken');
    });
    const loop = new PollingLoop({ client, dispatch, logger, intervalMs: 60_000 });
    void loop.start();
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledTimes(2));
    await loop.drain();
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'task dispatch failed',
        fields: { taskId: 'a', error: 'Error: handler table broken' },
      },
    ]);
    await loop.stop();
  });
});

describe('PollingLoop: 401 and 403', () => {
  it('stops with a WorkerFatalError (token_refused) caused by the refusal, logged at debug', async () => {
    const refusal = createApiError('Not authenticated', { status: 401 });
    const { client } = stubClient([
      () => {
        throw refusal;
      },
    ]);
    const onFatal = vi.fn();
    const { lines, logger } = recordingLogger();
    const loop = new PollingLoop({ client, dispatch: async () => {}, onFatal, logger });
    await loop.start();
    const fatal = onFatal.mock.calls[0]?.[0] as WorkerFatalError;
    expect(fatal.code).toBe('token_refused');
    expect(fatal.cause).toBe(refusal);
    expect(lines).toEqual([
      { level: 'debug', message: 'poll: fatal authentication error', fields: { status: 401 } },
    ]);
  });

  it('stops just the same without an onFatal listener', async () => {
    const { client, listTasks } = stubClient([
      () => {
        throw createApiError('Forbidden', { status: 403 });
      },
    ]);
    const loop = new PollingLoop({ client, dispatch: async () => {} });
    await expect(loop.start()).resolves.toBeUndefined();
    expect(listTasks).toHaveBeenCalledTimes(1);
  });
});

describe('PollingLoop: waits and stops', () => {
  it("caps a server's long Retry-After at backoffMaxMs", async () => {
    vi.useFakeTimers();
    const { client, listTasks } = stubClient([
      () => {
        throw createApiError('Too Many Requests', { status: 429, retryAfterMs: 120_000 });
      },
      () => [],
    ]);
    const loop = new PollingLoop({
      client,
      dispatch: async () => {},
      backoffMaxMs: 1000,
      intervalMs: 60_000,
    });
    void loop.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(listTasks).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(listTasks).toHaveBeenCalledTimes(2);
    await loop.stop();
  });

  it('stopped while waiting for a free slot, it polls no more', async () => {
    const tasks = [pending('a'), pending('b')];
    const listTasks = vi.fn(async () => tasks);
    const client = { listTasks } as unknown as SatellitePlatform;
    const release: (() => void)[] = [];
    const dispatch = vi.fn(() => new Promise<void>((resolve) => release.push(resolve)));
    // No queue: the loop waits for the running task before it polls again.
    const loop = new PollingLoop({ client, dispatch, maxQueuedTasks: 0 });
    const running = loop.start();
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledTimes(1));
    await loop.stop();
    await running;
    expect(listTasks).toHaveBeenCalledTimes(1);
    for (const r of release) r();
    await loop.drain();
  });

  it('stopped during a poll, it counts no failed poll and logs nothing', async () => {
    const listTasks = vi.fn(
      ({ signal }: { signal: AbortSignal }) =>
        new Promise<SatelliteTask[]>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const client = { listTasks } as unknown as SatellitePlatform;
    const metrics = new WorkerMetrics();
    const { lines, logger } = recordingLogger();
    const loop = new PollingLoop({ client, dispatch: async () => {}, metrics, logger });
    void loop.start();
    await vi.waitFor(() => expect(listTasks).toHaveBeenCalledTimes(1));
    await loop.stop();
    expect(metrics.pollErrors).toBe(0);
    expect(loop.consecutiveErrors).toBe(0);
    expect(lines).toEqual([]);
  });

  it('polls again on wake() when the tasks it let start leave room, without waiting for one to end', async () => {
    const tasks = [pending('a'), pending('b')];
    const listTasks = vi.fn(async () => tasks);
    const client = { listTasks } as unknown as SatellitePlatform;
    const release: (() => void)[] = [];
    const dispatch = vi.fn(() => new Promise<void>((resolve) => release.push(resolve)));
    let held = true;
    const loop = new PollingLoop({
      client,
      dispatch,
      concurrency: 4,
      holdStarts: () => held,
      intervalMs: 60_000,
    });
    void loop.start();
    await vi.waitFor(() => expect(loop.queued).toEqual(['a', 'b']));
    held = false;
    loop.wake();
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(listTasks).toHaveBeenCalledTimes(2));
    await loop.stop();
    for (const r of release) r();
    await loop.drain();
  });
});

describe('PollingLoop: rows the client could not read', () => {
  it('fails each such task once, however many polls list it', async () => {
    vi.useFakeTimers();
    const listing = () => withRejected([], [badRow('bad-1')]);
    const { client } = stubClient([listing, listing, listing]);
    const reject = vi.fn(async () => {});
    const loop = new PollingLoop({ client, dispatch: async () => {}, reject, intervalMs: 100 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(250);
    expect(reject.mock.calls).toEqual([[{ ...badRow('bad-1'), id: 'bad-1' }]]);
    await loop.stop();
  });

  it('does not fail a task whose update is still waiting in the outbox', async () => {
    const { client, listTasks } = stubClient([() => withRejected([], [badRow('busy')])]);
    const reject = vi.fn(async () => {});
    const loop = new PollingLoop({
      client,
      dispatch: async () => {},
      reject,
      isBusy: (id) => id === 'busy',
      intervalMs: 60_000,
    });
    void loop.start();
    await vi.waitFor(() => expect(listTasks).toHaveBeenCalledTimes(1));
    await loop.stop();
    expect(reject).not.toHaveBeenCalled();
  });

  it('without reject, warns about each such task once', async () => {
    vi.useFakeTimers();
    const listing = () => withRejected([], [badRow('bad-1')]);
    const { client } = stubClient([listing, listing, listing]);
    const { lines, logger } = recordingLogger();
    const loop = new PollingLoop({ client, dispatch: async () => {}, logger, intervalMs: 100 });
    void loop.start();
    await vi.advanceTimersByTimeAsync(250);
    expect(lines.map((l) => l.message)).toEqual([
      'skipping a task row that does not match the task schema',
    ]);
    await loop.stop();
  });
});

describe('PollingLoop: memory on a long run', () => {
  it('remembers at most 100,000 started task ids, forgetting the oldest first', async () => {
    const tasks = Array.from(
      { length: 100_001 },
      (_, k) => ({ id: `t${k}`, status: 'pending', type: 'deploy' }) as SatelliteTask,
    );
    // Three polls list every task as pending (their updates never arrive); then none.
    const listTasks = vi.fn(async () => {
      // An answer takes a turn of the event loop, as one from the network does.
      await new Promise((resolve) => setImmediate(resolve));
      return listTasks.mock.calls.length <= 3 ? tasks : [];
    });
    const client = { listTasks } as unknown as SatellitePlatform;
    const started: string[] = [];
    const loop = new PollingLoop({
      client,
      dispatch: async (task) => void started.push(task.id),
      maxQueuedTasks: 50_000,
      intervalMs: 60_000,
    });
    void loop.start();
    await vi.waitFor(() => expect(listTasks).toHaveBeenCalledTimes(4), { timeout: 20_000 });
    await loop.stop();
    await loop.drain();
    // Every task once (two polls); then the third took only the oldest, forgotten, for new.
    expect(started.slice(0, 100_001)).toEqual(tasks.map((t) => t.id));
    expect(started.slice(100_001)).toEqual(['t0']);
  });
});
