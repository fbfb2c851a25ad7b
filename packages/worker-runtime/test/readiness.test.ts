// /readyz looks at contact with the platform. A worker busy with tasks it already took does
// not poll, so a poll's age alone would call a healthy, busy worker stale and get it restarted.
// The clock is faked (Date only: the fake platform and the worker talk over real sockets).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineHandler } from '../src/index.js';
import { computeReadiness } from '../src/readiness.js';
import { createWorker, DEPLOY_CAPABILITY, gate, startPlatform } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('computeReadiness', () => {
  const base = { state: 'running' as const, paired: true, maxAgeMs: 30_000, nowMs: 1_000_000 };

  it('counts an accepted status update as contact, like a successful poll', () => {
    expect(
      computeReadiness({ ...base, lastPollSuccessMs: 500_000, lastDeliveryMs: 990_000 }),
    ).toEqual({ ready: true });
    expect(
      computeReadiness({ ...base, lastPollSuccessMs: undefined, lastDeliveryMs: 990_000 }),
    ).toEqual({ ready: true });
    expect(
      computeReadiness({ ...base, lastPollSuccessMs: 500_000, lastDeliveryMs: 900_000 }),
    ).toEqual({
      ready: false,
      reason:
        'last successful poll was 500 s ago, last accepted status update 100 s ago (limit 30 s)',
    });
  });

  it('stays ready while busy with nothing left to deliver, and says why when updates are stuck', () => {
    const stale = { ...base, lastPollSuccessMs: 400_000, busy: true };
    expect(computeReadiness({ ...stale, outboxPending: 0 })).toEqual({ ready: true });
    expect(computeReadiness({ ...stale, outboxPending: 2 })).toEqual({
      ready: false,
      reason:
        'last successful poll was 600 s ago; busy with 2 status update(s) not accepted yet (limit 30 s)',
    });
    // Not busy: polls should be happening, so their age is the verdict.
    expect(computeReadiness({ ...stale, busy: false, outboxPending: 0 })).toMatchObject({
      ready: false,
    });
  });
});

describe('a worker busy with queued tasks', () => {
  it('stays ready through long queued work, and turns not ready once its updates cannot be delivered', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { platform, satellite, token } = await startPlatform();
    for (let i = 0; i < 3; i++) {
      platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: { n: i } });
    }
    // The first task waits for `release`; the later ones until the worker stops them.
    const release = gate();
    let started = 0;
    const worker = createWorker(
      platform,
      token,
      [
        defineHandler('deploy', {
          capability: DEPLOY_CAPABILITY,
          run: async ({ signal }) => {
            started++;
            if (started === 1) await release.promise;
            else await new Promise((resolve) => signal.addEventListener('abort', resolve));
            return {};
          },
        }),
      ],
      { settings: { concurrency: 1, readyMaxAgeMs: 30_000 }, outboxFlushMs: 50 },
    );
    await worker.start();
    // One task runs, two wait in the queue; the `running` update has been accepted.
    await expect.poll(() => started, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => worker.outboxPending, { timeout: 10_000 }).toBe(0);
    expect(worker.readiness()).toEqual({ ready: true });

    // Ten minutes of work later: no poll since (the queue holds them), nothing to deliver.
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect(worker.readiness()).toEqual({ ready: true });

    // The platform goes away; the first task ends and its `done` update cannot be delivered,
    // while the next one runs and the third still waits in the queue.
    await platform.close();
    release.open();
    await expect.poll(() => started, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => worker.outboxPending, { timeout: 10_000 }).toBeGreaterThan(0);
    vi.setSystemTime(Date.now() + 60_000);
    const readiness = worker.readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness).toMatchObject({
      reason: expect.stringMatching(/status update\(s\) not accepted yet \(limit 30 s\)$/),
    });
  });
});
