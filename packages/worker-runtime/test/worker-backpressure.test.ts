// A burst of quick tasks against a platform slow to accept status updates: the worker stays a
// bounded number of updates ahead instead of running the whole backlog into its outbox.
import { expect, it } from 'vitest';
import { defineHandler, type Worker } from '../src/index.js';
import { createWorker, DEPLOY_CAPABILITY, startPlatform } from './helpers.js';

it('starts no task while 64 status updates wait for the platform, and still finishes the backlog', async () => {
  const { platform, satellite, token } = await startPlatform({
    routes: { 'POST /satellites/v1/tasks/*/status': { latency: 1, latencyMs: 5 } },
  });
  const tasks = 150;
  for (let i = 0; i < tasks; i++) {
    platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
  }
  const concurrency = 2;
  const pendingAtStart: number[] = [];
  let worker!: Worker;
  worker = createWorker(
    platform,
    token,
    [
      defineHandler('deploy', {
        capability: DEPLOY_CAPABILITY,
        run: () => {
          pendingAtStart.push(worker.outboxPending);
          return {};
        },
      }),
    ],
    { settings: { concurrency } },
  );
  await worker.start();
  await expect
    .poll(() => platform.tasks.filter((t) => t.status === 'done').length, { timeout: 20_000 })
    .toBe(tasks);
  expect(pendingAtStart).toHaveLength(tasks);
  // Checked before each start; each task then adds its `running` (and `done`) update.
  expect(Math.max(...pendingAtStart)).toBeLessThanOrEqual(64 + 2 * concurrency);
  // Without the hold, the quick tasks would all run at once (150 tasks, 300 updates waiting).
  expect(Math.max(...pendingAtStart)).toBeGreaterThan(32);
});
