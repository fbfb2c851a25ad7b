import { describe, expect, it, vi } from 'vitest';
import { defineHandler } from '../src/index.js';
import { acceptedStatuses, createWorker, DEPLOY_CAPABILITY, startPlatform } from './helpers.js';

describe('Worker: a malformed task row fails that task only', () => {
  it('runs the good tasks and reports the bad one failed once, with a clear result', async () => {
    const { platform, satellite, token } = await startPlatform();
    const first = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const bad = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const last = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    // The platform sends `payload: null` for this row: the task schema wants an object.
    (bad as { payload: unknown }).payload = null;
    const ran: string[] = [];
    const worker = createWorker(platform, token, [
      defineHandler('deploy', {
        capability: DEPLOY_CAPABILITY,
        run: (ctx) => {
          ran.push(ctx.task.id);
          return { ok: true };
        },
      }),
    ]);
    await worker.start();
    const statusOf = (id: string) => platform.tasks.find((t) => t.id === id);
    await vi.waitFor(
      () =>
        expect([first, bad, last].map((t) => statusOf(t.id)?.status)).toEqual([
          'done',
          'failed',
          'done',
        ]),
      { timeout: 5000 },
    );
    expect(statusOf(bad.id)?.result).toEqual({
      reason: 'invalid task payload',
      error:
        'the platform sent a task row this worker cannot read: payload: expected Object, got null',
    });
    expect(ran.sort()).toEqual([first.id, last.id].sort());
    // Polls go on; the bad row is reported once, never `running`.
    const polls = platform.requests.filter((r) => r.route === 'GET /satellites/v1/tasks').length;
    await vi.waitFor(
      () =>
        expect(
          platform.requests.filter((r) => r.route === 'GET /satellites/v1/tasks').length,
        ).toBeGreaterThan(polls + 3),
      { timeout: 5000 },
    );
    expect(acceptedStatuses(platform, bad.id)).toEqual(['failed']);
    expect(worker.metrics.render()).toContain(
      'uplink_worker_tasks_total{type="deploy",outcome="invalid_payload"} 1',
    );
  });

  it('logs a row without a usable id once (it cannot be failed) and runs the rest', async () => {
    const { platform, satellite, token } = await startPlatform();
    const good = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const broken = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: {},
    });
    // A row the platform sends without its id.
    delete (broken as { id?: string }).id;
    const errors: { message: string; fields: unknown }[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (message: string, fields?: unknown) => errors.push({ message, fields }),
    };
    const worker = createWorker(
      platform,
      token,
      [defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) })],
      { logger },
    );
    await worker.start();
    await vi.waitFor(
      () => expect(platform.tasks.find((t) => t.id === good.id)?.status).toBe('done'),
      { timeout: 5000 },
    );
    const polls = platform.requests.filter((r) => r.route === 'GET /satellites/v1/tasks').length;
    await vi.waitFor(
      () =>
        expect(
          platform.requests.filter((r) => r.route === 'GET /satellites/v1/tasks').length,
        ).toBeGreaterThan(polls + 3),
      { timeout: 5000 },
    );
    expect(errors).toEqual([
      {
        message: 'a listed task row has no usable id; it cannot be failed on the platform',
        fields: {
          index: expect.any(Number),
          taskType: 'deploy',
          problem: 'id: expected a value, got nothing',
        },
      },
    ]);
  });

  it('fails a malformed task a previous process left running, at startup', async () => {
    const { platform, satellite, token } = await startPlatform();
    const stuck = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: {},
      status: 'running',
    });
    (stuck as { payload: unknown }).payload = null;
    const worker = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
    ]);
    await worker.start();
    await vi.waitFor(
      () =>
        expect(platform.tasks.find((t) => t.id === stuck.id)).toMatchObject({
          status: 'failed',
          result: { reason: 'invalid task payload' },
        }),
      { timeout: 5000 },
    );
    expect(acceptedStatuses(platform, stuck.id)).toEqual(['failed']);
  });
});
