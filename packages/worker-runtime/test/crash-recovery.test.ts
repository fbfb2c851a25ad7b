import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { defineHandler, OUTBOX_FILE_NAME, tempDirectory } from '../src/index.js';
import { acceptedStatuses, createWorker, DEPLOY_CAPABILITY, startPlatform } from './helpers.js';

describe('crash recovery with a file outbox', () => {
  it('resolves tasks whose `running` update never reached the platform before the crash', async () => {
    const { platform, satellite, token } = await startPlatform();
    await using state = await tempDirectory();
    // What a process killed right after enqueueing `running` leaves behind: the tasks are still
    // `pending` on the platform, and the outbox holds only their `running` updates. A third task
    // had finished (its `done` is in the outbox), and a fourth was running with nothing queued.
    const interrupted = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: {},
    });
    const idempotent = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'sync',
      payload: {},
    });
    const finished = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: {},
    });
    const running = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: {},
      status: 'running',
    });
    const add = (n: number, taskId: string, status: string, result: unknown = null) =>
      JSON.stringify({ op: 'add', entry: { id: `e${n}`, taskId, status, result, enqueuedAt: n } });
    await writeFile(
      join(state.path, OUTBOX_FILE_NAME),
      `${[
        add(1, interrupted.id, 'running'),
        add(2, idempotent.id, 'running'),
        add(3, finished.id, 'running'),
        add(4, finished.id, 'done', { ok: true }),
        '{"op":"add","entry":null}',
      ].join('\n')}\n`,
    );
    const warnings: { message: string; fields: unknown }[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (message: string, fields?: unknown) => warnings.push({ message, fields }),
      error: () => {},
    };
    const deployRuns = vi.fn(() => ({}));
    const syncRuns = vi.fn(() => ({ synced: true }));
    const worker = createWorker(
      platform,
      token,
      [
        defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: deployRuns }),
        defineHandler('sync', { idempotent: true, run: syncRuns }),
      ],
      { settings: { stateDir: state.path }, logger },
    );
    await worker.start();
    const statusOf = (id: string) => platform.tasks.find((t) => t.id === id);
    await vi.waitFor(
      () =>
        expect(
          [interrupted, idempotent, finished, running].map((t) => statusOf(t.id)?.status),
        ).toEqual(['failed', 'done', 'done', 'failed']),
      { timeout: 10_000 },
    );
    expect(statusOf(interrupted.id)?.result).toEqual({ reason: 'worker restarted' });
    expect(statusOf(running.id)?.result).toEqual({ reason: 'worker restarted' });
    expect(statusOf(finished.id)?.result).toEqual({ ok: true });
    expect(statusOf(idempotent.id)?.result).toEqual({ synced: true });
    expect(acceptedStatuses(platform, interrupted.id)).toEqual(['running', 'failed']);
    expect(acceptedStatuses(platform, finished.id)).toEqual(['running', 'done']);
    expect(deployRuns).not.toHaveBeenCalled();
    expect(warnings).toContainEqual({
      message: 'outbox: skipped lines of the state file that could not be replayed',
      fields: {
        path: join(state.path, OUTBOX_FILE_NAME),
        skipped: 1,
        lines: [{ line: 5, reason: 'not an outbox entry' }],
        copy: expect.stringContaining(`${OUTBOX_FILE_NAME}.skipped-`),
      },
    });
    expect(syncRuns).toHaveBeenCalledTimes(1);
    await worker.stop();
  });

  it('starts anyway when the platform cannot list tasks for recovery', async () => {
    const { platform, satellite, token } = await startPlatform();
    platform.faults.configure({
      routes: { 'GET /satellites/v1/tasks': { serverError: 1 } },
    });
    const worker = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
    ]);
    const started = worker.start();
    await expect(started).resolves.toBeUndefined();
    expect(worker.state).toBe('running');
    platform.faults.configure({});
    const task = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    await vi.waitFor(
      () => expect(platform.tasks.find((t) => t.id === task.id)?.status).toBe('done'),
      { timeout: 10_000 },
    );
  });
});
