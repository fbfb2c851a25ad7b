import { describe, expect, it } from 'vitest';
import { tempDirectory } from '../src/index.js';
import { startWorkerChild } from './child-process.js';
import { acceptedStatuses, startPlatform } from './helpers.js';

/** Environment for a child worker against the fake. */
const childEnv = (url: string, token: string, extra: Record<string, string> = {}) => ({
  LUML_SATELLITE_TOKEN: token,
  LUML_PLATFORM_URL: url,
  LUML_POLL_INTERVAL: '0.02',
  LUML_POLL_BACKOFF_MAX: '0.05',
  ...extra,
});

describe('worker process: signals and crash recovery (child process via tsx)', () => {
  it('SIGTERM drains the in-flight task, reports it done and exits 0', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 300 },
    });
    const worker = startWorkerChild(childEnv(platform.url, token));
    await worker.waitForLine(new RegExp(`^started ${task.id}$`));
    worker.child.kill('SIGTERM');
    await worker.waitForLine(/^state draining$/);
    const late = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 0 },
    });
    expect(await worker.exited).toBe(0);
    expect(worker.lines).toContain(`finished ${task.id}`);
    expect(platform.tasks.find((t) => t.id === task.id)).toMatchObject({
      status: 'done',
      result: { slept: 300 },
    });
    expect(acceptedStatuses(platform, task.id)).toEqual(['running', 'done']);
    expect(platform.tasks.find((t) => t.id === late.id)?.status).toBe('pending');
  });

  it('fails the task with {reason: shutdown} and exits 128+15 when the grace period runs out', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 60_000 },
    });
    const worker = startWorkerChild(childEnv(platform.url, token, { LUML_SHUTDOWN_GRACE: '0.1' }));
    await worker.waitForLine(new RegExp(`^started ${task.id}$`));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(143);
    expect(platform.tasks.find((t) => t.id === task.id)).toMatchObject({
      status: 'failed',
      result: { reason: 'shutdown' },
    });
  });

  it('a second signal forces the stop of a task that ignores its signal', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 60_000, ignoreSignal: true },
    });
    const worker = startWorkerChild(childEnv(platform.url, token, { LUML_SHUTDOWN_GRACE: '30' }));
    await worker.waitForLine(new RegExp(`^started ${task.id}$`));
    worker.child.kill('SIGINT');
    await worker.waitForLine(/^state draining$/);
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(130);
    expect(platform.tasks.find((t) => t.id === task.id)).toMatchObject({
      status: 'failed',
      result: { reason: 'shutdown' },
    });
  });

  it('after SIGKILL, a restart resolves the stuck task and delivers results kept in the file outbox', async () => {
    const { platform, satellite, token } = await startPlatform();
    await using state = await tempDirectory();
    const env = childEnv(platform.url, token, {
      LUML_STATE_DIR: state.path,
      LUML_CONCURRENCY: '3',
    });
    // The platform refuses every status update of `quick` until after the kill, so its result
    // can only reach the platform from the file outbox of the next process.
    const quick = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 0 },
    });
    platform.faults.configure({
      routes: { [`POST /satellites/v1/tasks/${quick.id}/status`]: { serverError: 1 } },
    });
    const first = startWorkerChild(env);
    await first.waitForLine(new RegExp(`^finished ${quick.id}$`));
    // `stuck` and `rerun` are running when the process is killed.
    const stuck = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 60_000 },
    });
    const rerun = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'sync',
      payload: { ms: 60_000, rerunMs: 5 },
    });
    await first.waitForLine(new RegExp(`^started ${rerun.id}$`));
    await first.waitForLine(new RegExp(`^started ${stuck.id}$`));
    await expectEventually(
      () =>
        acceptedStatuses(platform, rerun.id).includes('running') &&
        acceptedStatuses(platform, stuck.id).includes('running'),
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(137);
    await expectEventually(
      () => platform.tasks.find((t) => t.id === stuck.id)?.status === 'running',
    );
    expect(platform.tasks.find((t) => t.id === quick.id)?.status).toBe('pending');
    platform.faults.configure({});

    const second = startWorkerChild(env);
    await second.waitForLine(/^ready$/);
    await expectEventually(
      () =>
        platform.tasks.find((t) => t.id === stuck.id)?.status === 'failed' &&
        platform.tasks.find((t) => t.id === rerun.id)?.status === 'done' &&
        platform.tasks.find((t) => t.id === quick.id)?.status === 'done',
    );
    expect(platform.tasks.find((t) => t.id === stuck.id)?.result).toEqual({
      reason: 'worker restarted',
    });
    expect(platform.tasks.find((t) => t.id === quick.id)?.result).toEqual({ slept: 0 });
    // The idempotent task ran again; the quick one was never re-run (its result came from the outbox).
    expect(second.lines).toContain(`started ${rerun.id}`);
    expect(second.lines).not.toContain(`started ${quick.id}`);
    expect(second.lines).not.toContain(`started ${stuck.id}`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

/** Wait (bounded) for a condition on the fake's state, which the child updates over HTTP. */
async function expectEventually(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const { vi } = await import('vitest');
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: timeoutMs, interval: 20 });
}
