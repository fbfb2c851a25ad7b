import { getEventListeners } from 'node:events';
import {
  AbortError,
  ConnectionError,
  createApiError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
} from '@uplink/core-schemas';
import type { ExecutionContext } from '@uplink/core-schemas/ai-spine';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExecutionError, InvalidArgumentError, WaitTimeoutError } from './errors.js';
import { waitForExecution } from './wait-for-execution.js';

const ID = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';

function execution(status: string, extra: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    execution_id: ID,
    flow_id: 'f',
    status,
    input_data: {},
    output_data: {},
    error_message: null,
    created_at: '2025-08-15T21:03:11.123456',
    ...extra,
  };
}

/** A getter that answers the scripted statuses (or throws the scripted errors) in turn. */
function scripted(...steps: (string | Error)[]) {
  const calls: number[] = [];
  const get = vi.fn(async () => {
    calls.push(Date.now());
    const step = steps[Math.min(calls.length - 1, steps.length - 1)] as string | Error;
    if (step instanceof Error) throw step;
    return execution(step);
  });
  return { get, calls };
}

describe('waitForExecution loop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls until a terminal status and reports progress', async () => {
    const { get } = scripted('pending', 'running', 'completed');
    const seen: string[] = [];
    const done = waitForExecution(get, ID, {
      intervalMs: 1000,
      onProgress: (e, p) => seen.push(`${p.attempt}:${e.status}`),
    });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(seen).toEqual(['1:pending', '2:running', '3:completed']);
  });

  it('a run finished at once resolves on the first poll, with no timer at all', async () => {
    const { get } = scripted('completed');
    let settled = false;
    const done = waitForExecution(get, ID).then((e) => {
      settled = true;
      return e;
    });
    // Microtasks only: no fake time passes.
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('polls at once, then ramps up: 100, 200, 400, 800, 1600 ms, then every intervalMs (the documented schedule)', async () => {
    const { get, calls } = scripted(...Array<string>(9).fill('running'), 'completed');
    const done = waitForExecution(get, ID);
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(calls.map((t) => t - calls[0]!)).toEqual([
      0, 100, 300, 700, 1500, 3100, 5100, 7100, 9100, 11100,
    ]);
  });

  it('a run that finishes a few milliseconds in is seen after the first ramp step, not an interval', async () => {
    const started = Date.now();
    const get = vi.fn(async () => execution(Date.now() - started >= 17 ? 'completed' : 'running'));
    const done = waitForExecution(get, ID, { intervalMs: 2000 });
    await vi.advanceTimersByTimeAsync(100);
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('initialIntervalMs sets the ramp; equal to intervalMs it polls at a fixed interval', async () => {
    const ramp = scripted('running', 'running', 'running', 'completed');
    const a = waitForExecution(ramp.get, ID, { intervalMs: 1000, initialIntervalMs: 300 });
    await vi.runAllTimersAsync();
    await a;
    expect(ramp.calls.map((t) => t - ramp.calls[0]!)).toEqual([0, 300, 900, 1900]);
    const fixed = scripted('running', 'running', 'completed');
    const b = waitForExecution(fixed.get, ID, { intervalMs: 1000, initialIntervalMs: 1000 });
    await vi.runAllTimersAsync();
    await b;
    expect(fixed.calls.map((t) => t - fixed.calls[0]!)).toEqual([0, 1000, 2000]);
  });

  it('measures its timeout on a monotonic clock: a wall-clock jump does not end the wait', async () => {
    let calls = 0;
    const get = vi.fn(async () => {
      calls++;
      // The wall clock jumps an hour ahead (NTP) while the first poll is answered.
      if (calls === 1) vi.setSystemTime(Date.now() + 60 * 60 * 1000);
      return execution(calls === 1 ? 'running' : 'completed');
    });
    const seen: number[] = [];
    const done = waitForExecution(get, ID, {
      intervalMs: 1000,
      initialIntervalMs: 1000,
      timeoutMs: 60_000,
      onProgress: (_e, p) => seen.push(p.elapsedMs),
    });
    done.catch(() => {});
    await vi.advanceTimersByTimeAsync(1000);
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(seen).toEqual([0, 1000]);
  });

  it('returns cancelled as terminal, and failed with throwOnFailure: false', async () => {
    const cancelled = waitForExecution(scripted('cancelled').get, ID);
    await expect(cancelled).resolves.toMatchObject({ status: 'cancelled' });
    const failed = waitForExecution(scripted('failed').get, ID, { throwOnFailure: false });
    await expect(failed).resolves.toMatchObject({ status: 'failed' });
  });

  it('throws ExecutionError for failed, with a fallback message', async () => {
    const error = await waitForExecution(scripted('failed').get, ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as Error).message).toBe(
      `Execution ${ID} of flow "f" failed: the server gave no error message`,
    );
  });

  it('keeps polling unknown statuses and times out with the last one, clamping the final sleep', async () => {
    const { get, calls } = scripted('queued');
    const done = waitForExecution(get, ID, { intervalMs: 4000, timeoutMs: 10_000 }).catch(
      (e: unknown) => e,
    );
    await vi.runAllTimersAsync();
    const error = (await done) as WaitTimeoutError;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.lastExecution?.status).toBe('queued');
    expect(error.message).toBe(
      `Execution ${ID} did not finish within 10000 ms (last status: queued)`,
    );
    // The ramp (100 ... 3200 ms), then one 4000 ms wait would pass the deadline: that last
    // sleep is clamped to the time left and the deadline ends the wait.
    expect(calls.map((t) => t - calls[0]!)).toEqual([0, 100, 300, 700, 1500, 3100, 6300]);
  });

  it('with timeoutMs 0 polls once', async () => {
    const { get } = scripted('running');
    await expect(waitForExecution(get, ID, { timeoutMs: 0 })).rejects.toBeInstanceOf(
      WaitTimeoutError,
    );
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('aborts a request in flight when the deadline passes', async () => {
    const get = vi.fn(
      (_id: string, options: { signal?: AbortSignal | undefined }) =>
        new Promise<ExecutionContext>((_resolve, reject) => {
          options.signal?.addEventListener('abort', () => reject(new AbortError()));
        }),
    );
    const done = waitForExecution(get, ID, { timeoutMs: 500 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await done).toBeInstanceOf(WaitTimeoutError);
  });

  it('polls through transient errors, honouring retryAfterMs, and stops on others', async () => {
    const limited = new RateLimitError('slow down', { status: 429, retryAfterMs: 7000 });
    const { get, calls } = scripted(new ConnectionError('reset'), limited, 'completed');
    const done = waitForExecution(get, ID, { intervalMs: 100 });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(calls[2]! - calls[1]!).toBe(7000);

    const fatal = scripted(new NotFoundError('gone', { status: 404 }));
    await expect(waitForExecution(fatal.get, ID)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('backs off from 250 ms after failures even with intervalMs 0, so a down host is not hammered', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const refused = new ConnectionError('connection refused');
    const { get, calls } = scripted(refused, refused, refused, 'running', 'completed');
    const done = waitForExecution(get, ID, { intervalMs: 0 });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    // Three failures: 250, then growing; a success resets to back-to-back polling.
    expect(gaps).toEqual([250, 499, 999, 0]);
    random.mockRestore();
  });

  it('grows the interval with backoff, capped by maxIntervalMs', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { get, calls } = scripted('running', 'running', 'running', 'running', 'completed');
    const done = waitForExecution(get, ID, { intervalMs: 100, backoff: { maxIntervalMs: 300 } });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(gaps).toEqual([100, 199, 299, 299]);
    random.mockRestore();
  });

  it('past the ramp, never polls faster than intervalMs with backoff, even when the jitter draws 0', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    const { get, calls } = scripted('running', 'running', 'running', 'running', 'completed');
    const done = waitForExecution(get, ID, { intervalMs: 250, backoff: true });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(gaps).toEqual([100, 200, 250, 250]);
    random.mockRestore();
  });

  it('rejects bad options and an aborted signal', async () => {
    const { get } = scripted('running');
    await expect(
      waitForExecution(get, ID, { timeoutMs: -1, intervalMs: Number.NaN }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(waitForExecution(get, ID, { initialIntervalMs: 0 })).rejects.toThrow(
      /initialIntervalMs: expected a finite number > 0, received 0/,
    );
    await expect(
      waitForExecution(get, ID, {
        signal: AbortSignal.abort(),
        timeoutMs: Number.POSITIVE_INFINITY,
      }),
    ).rejects.toBeInstanceOf(AbortError);
  });
});

describe('waitForExecution: which failures end the wait', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls through one slow poll (an attempt timeout): it does not end the whole wait', async () => {
    const slow = new TimeoutError('GET timed out after 30000 ms (one attempt)', {
      timeout: 'attempt',
      timeoutMs: 30_000,
    });
    const { get, calls } = scripted(slow, slow, 'completed');
    const done = waitForExecution(get, ID, { intervalMs: 1000 });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(calls).toHaveLength(3);
  });

  it.each(['total', 'idle'] as const)(
    'ends the wait on a %s timeout of the request, as it came',
    async (timeout) => {
      const error = new TimeoutError('gave up', { timeout });
      const { get, calls } = scripted(error, 'completed');
      await expect(waitForExecution(get, ID)).rejects.toBe(error);
      expect(calls).toHaveLength(1);
    },
  );

  it.each([408, 429, 502, 503, 504])('polls through HTTP %i', async (status) => {
    const { get, calls } = scripted(createApiError('busy', { status }), 'completed');
    const done = waitForExecution(get, ID, { intervalMs: 1000 });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(calls).toHaveLength(2);
  });

  it.each([400, 401, 404, 500, 501])('ends the wait on HTTP %i', async (status) => {
    const error = createApiError('no', { status });
    const { get, calls } = scripted(error, 'completed');
    await expect(waitForExecution(get, ID)).rejects.toBe(error);
    expect(calls).toHaveLength(1);
  });

  it('ends the wait on an error that is not ours', async () => {
    const bug = new TypeError('x is not a function');
    await expect(waitForExecution(scripted(bug).get, ID)).rejects.toBe(bug);
  });
});

describe('waitForExecution: options', () => {
  const problemsOf = async (options: Parameters<typeof waitForExecution>[2]) => {
    const error = await waitForExecution(scripted('completed').get, ID, options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).problems;
  };

  it('reports each bad option on its own, and all of them at once', async () => {
    expect(await problemsOf({ timeoutMs: -1 })).toEqual([
      { setting: 'timeoutMs', message: 'expected a number >= 0, received -1' },
    ]);
    expect(await problemsOf({ timeoutMs: Number.NaN })).toEqual([
      { setting: 'timeoutMs', message: 'expected a number >= 0, received NaN' },
    ]);
    expect(await problemsOf({ intervalMs: -1 })).toEqual([
      { setting: 'intervalMs', message: 'expected a finite number >= 0, received -1' },
    ]);
    expect(await problemsOf({ intervalMs: Number.POSITIVE_INFINITY })).toEqual([
      { setting: 'intervalMs', message: 'expected a finite number >= 0, received Infinity' },
    ]);
    expect(await problemsOf({ initialIntervalMs: Number.POSITIVE_INFINITY })).toEqual([
      { setting: 'initialIntervalMs', message: 'expected a finite number > 0, received Infinity' },
    ]);
    expect(
      await problemsOf({ timeoutMs: -5, intervalMs: Number.NaN, initialIntervalMs: -1 }),
    ).toEqual([
      { setting: 'initialIntervalMs', message: 'expected a finite number > 0, received -1' },
      { setting: 'timeoutMs', message: 'expected a number >= 0, received -5' },
      { setting: 'intervalMs', message: 'expected a finite number >= 0, received NaN' },
    ]);
  });

  it('accepts the edges: no timeout, back-to-back polling, a 1 ms ramp', async () => {
    const { get } = scripted('completed');
    await expect(
      waitForExecution(get, ID, {
        timeoutMs: Number.POSITIVE_INFINITY,
        intervalMs: 0,
        initialIntervalMs: 1,
      }),
    ).resolves.toMatchObject({ status: 'completed' });
  });
});

describe('waitForExecution: timeouts longer than a timer can hold', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['2^31 ms', 2 ** 31],
    ['30 days', 30 * 24 * 3600 * 1000],
  ])('a %s timeout does not fire at once (setTimeout would overflow)', async (_name, timeoutMs) => {
    const { get, calls } = scripted('running', 'running', 'completed');
    const done = waitForExecution(get, ID, { timeoutMs, intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(calls).toHaveLength(3);
  });

  it('at the longest timer, a request still in flight at the deadline is aborted', async () => {
    const timeoutMs = 2_147_483_647;
    const hanging = vi.fn(
      (_id: string, options: { signal?: AbortSignal | undefined }) =>
        new Promise<ExecutionContext>((_resolve, reject) => {
          options.signal?.addEventListener('abort', () => reject(options.signal?.reason), {
            once: true,
          });
        }),
    );
    let error: unknown;
    const done = waitForExecution(hanging, ID, { timeoutMs }).catch((e: unknown) => {
      error = e;
    });
    await vi.advanceTimersByTimeAsync(timeoutMs);
    await vi.advanceTimersByTimeAsync(0);
    // Settled by the deadline alone: nothing else would ever end this request.
    expect(error).toBeDefined();
    await done;
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).message).toBe(
      `Execution ${ID} did not finish within ${timeoutMs} ms (last status: unknown)`,
    );
  });
});

describe('waitForExecution: a clock that did not start at zero, the zero timeout, and cleanup', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    // A process that has been up a while: the monotonic clock is far from zero.
    vi.advanceTimersByTime(3_600_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports the time since the wait started', async () => {
    const seen: number[] = [];
    const { get } = scripted('running', 'running', 'completed');
    const done = waitForExecution(get, ID, { onProgress: (_e, p) => seen.push(p.elapsedMs) });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ status: 'completed' });
    expect(seen).toEqual([0, 100, 300]);
  });

  it('with timeoutMs 0 polls once and throws without sleeping', async () => {
    const { get } = scripted('running', 'completed');
    const done = waitForExecution(get, ID, { timeoutMs: 0 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await done).toBeInstanceOf(WaitTimeoutError);
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('with timeoutMs 0 lets the one poll finish, however long it takes', async () => {
    const get = vi.fn(
      (_id: string, options: { signal?: AbortSignal | undefined }) =>
        new Promise<ExecutionContext>((resolve, reject) => {
          options.signal?.addEventListener('abort', () => reject(options.signal?.reason), {
            once: true,
          });
          setTimeout(() => resolve(execution('completed')), 500);
        }),
    );
    const done = waitForExecution(get, ID, { timeoutMs: 0 });
    await vi.advanceTimersByTimeAsync(500);
    await expect(done).resolves.toMatchObject({ status: 'completed' });
  });

  it("leaves no listener on the caller's signal", async () => {
    const controller = new AbortController();
    const { get } = scripted('running', 'completed');
    const done = waitForExecution(get, ID, { signal: controller.signal });
    await vi.runAllTimersAsync();
    await done;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
