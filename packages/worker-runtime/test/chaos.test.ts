import { PlatformClient } from '@uplink/platform-client';
import { describe, expect, it } from 'vitest';
import { defineHandler, Worker } from '../src/index.js';
import { DEPLOY_CAPABILITY, gate, startPlatform, testSettings } from './helpers.js';

const TASKS = 500;

describe('chaos: 500 tasks at concurrency 8 through 20% 5xx, 5% drops, 5% 429, 5% cut responses', () => {
  // What is guaranteed (and what is not): each handler runs at most once per task, every task
  // ends `done`, none is left `running`. Status reports are at least once: a response cut
  // mid-body after the platform applied the update looks like a failure, and with no
  // idempotency keys on the wire the outbox must send it again, so the same `done` can be
  // accepted twice.
  it('ends every task done with its handler run once; a report is repeated only after a cut response', async () => {
    const { platform, satellite, token } = await startPlatform({
      seed: 7,
      global: {
        serverError: 0.2,
        serverErrorStatus: 503,
        drop: 0.05,
        rateLimit: 0.05,
        truncate: 0.05,
        retryAfterSeconds: 0,
      },
    });
    const ids = new Set(
      Array.from(
        { length: TASKS },
        (_, i) =>
          platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: { n: i } }).id,
      ),
    );
    const runs = new Map<string, number>();
    let active = 0;
    let maxActive = 0;
    const allDone = gate();
    const worker = new Worker({
      env: { UPLINK_LOG: 'silent' },
      handleSignals: false,
      client: new PlatformClient({
        token,
        baseUrl: platform.url,
        retry: { baseDelayMs: 10, maxDelayMs: 100 },
      }),
      outboxBackoff: { baseDelayMs: 2, maxDelayMs: 50 },
      pairBackoff: { baseDelayMs: 2, maxDelayMs: 50 },
      settings: testSettings(platform, token, {
        concurrency: 8,
        pollIntervalMs: 5,
        pollBackoffMaxMs: 50,
      }),
      handlers: [
        defineHandler('deploy', {
          capability: DEPLOY_CAPABILITY,
          run: async (ctx) => {
            active++;
            maxActive = Math.max(maxActive, active);
            runs.set(ctx.task.id, (runs.get(ctx.task.id) ?? 0) + 1);
            await Promise.resolve();
            active--;
            return { n: (ctx.payload as { n: number }).n };
          },
        }),
      ],
    });
    const started = performance.now();
    await worker.start();
    // Finished = the platform shows every task done (checked whenever a status update lands).
    const check = (): void => {
      if (platform.tasks.every((t) => t.status === 'done')) allDone.open();
    };
    const timer = setInterval(check, 25);
    try {
      await Promise.race([
        allDone.promise,
        new Promise((_r, reject) =>
          setTimeout(() => reject(new Error('chaos run did not finish within 50 s')), 50_000),
        ),
      ]);
    } finally {
      clearInterval(timer);
    }
    const stop = await worker.stop({ graceMs: 5000 });
    const seconds = (performance.now() - started) / 1000;

    expect(stop).toEqual({ clean: true, abortedTasks: 0, undelivered: 0 });
    expect(platform.tasks).toHaveLength(TASKS);
    expect(platform.tasks.filter((t) => t.status === 'running')).toHaveLength(0);
    expect(platform.tasks.every((t) => t.status === 'done')).toBe(true);
    for (const task of platform.tasks) {
      expect(task.result).toEqual({ n: (task.payload as { n: number }).n });
    }
    expect(runs.size).toBe(TASKS);
    expect([...runs.keys()].every((id) => ids.has(id))).toBe(true);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(maxActive).toBeLessThanOrEqual(8);
    // At least one accepted `done` per task; repeats only where responses were cut.
    const doneAccepted = new Map<string, number>();
    for (const r of platform.requests) {
      if (
        r.route === 'POST /satellites/v1/tasks/{task_id}/status' &&
        r.status === 200 &&
        (r.body as { status?: string })?.status === 'done'
      ) {
        const id = r.path.split('/')[4] as string;
        doneAccepted.set(id, (doneAccepted.get(id) ?? 0) + 1);
      }
    }
    expect(doneAccepted.size).toBe(TASKS);
    expect([...doneAccepted.values()].every((n) => n >= 1)).toBe(true);
    const repeats = [...doneAccepted.values()].reduce((sum, n) => sum + n - 1, 0);
    const stats = platform.faults.stats;
    expect(repeats).toBeLessThanOrEqual(stats.truncate);
    // The attack is real: some `done` reports were applied, cut, sent again and applied again.
    expect(repeats).toBeGreaterThan(0);
    expect(stats.serverError).toBeGreaterThan(50);
    expect(stats.drop).toBeGreaterThan(10);
    expect(stats.rateLimit).toBeGreaterThan(10);
    expect(stats.truncate).toBeGreaterThan(10);
    // For the report: duration and injected faults.
    console.info(
      `chaos: ${TASKS} tasks in ${seconds.toFixed(1)} s; injected ${stats.serverError}×5xx, ${stats.drop}×drop, ${stats.rateLimit}×429, ${stats.truncate}×cut; ${repeats} repeated done reports; ${platform.requests.length} requests; max concurrency ${maxActive}`,
    );
  }, 60_000);
});
