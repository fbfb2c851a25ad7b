import { PlatformClient } from '@uplink/platform-client';
import { describe, expect, it, vi } from 'vitest';
import { defineHandler, WorkerFatalError } from '../src/index.js';
import {
  acceptedStatuses,
  createWorker,
  DEPLOY_CAPABILITY,
  gate,
  startPlatform,
} from './helpers.js';

const TASKS_ROUTE = 'GET /satellites/v1/tasks';

describe('Worker: concurrency, double starts, auth, outages and shutdown', () => {
  for (const concurrency of [1, 3]) {
    it(`runs at most ${concurrency} task(s) at once`, async () => {
      const { platform, satellite, token } = await startPlatform();
      const ids = Array.from(
        { length: 8 },
        () => platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} }).id,
      );
      let active = 0;
      let max = 0;
      const worker = createWorker(
        platform,
        token,
        [
          defineHandler('deploy', {
            capability: DEPLOY_CAPABILITY,
            run: async (ctx) => {
              active++;
              max = Math.max(max, active);
              // Real I/O, so tasks overlap when the limit allows it.
              await ctx.client.listDeployments({ signal: ctx.signal });
              await ctx.client.listDeployments({ signal: ctx.signal });
              active--;
              return {};
            },
          }),
        ],
        { settings: { concurrency } },
      );
      await worker.start();
      await vi.waitFor(
        () =>
          expect(
            ids.every((id) => platform.tasks.find((t) => t.id === id)?.status === 'done'),
          ).toBe(true),
        { timeout: 10_000 },
      );
      expect(max).toBe(concurrency);
    });
  }

  it('never starts a task twice while it still shows as pending', async () => {
    const { platform, satellite, token } = await startPlatform();
    // Status updates fail, so the task stays `pending` on the platform while it runs.
    platform.faults.configure({
      routes: { 'POST /satellites/v1/tasks/*/status': { serverError: 1 } },
    });
    const task = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const release = gate();
    const runs = vi.fn(async () => {
      await release.promise;
      return { ok: true };
    });
    const worker = createWorker(
      platform,
      token,
      [defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: runs })],
      { settings: { concurrency: 2 } },
    );
    await worker.start();
    await vi.waitFor(() => expect(runs).toHaveBeenCalledTimes(1));
    // Polls for pending tasks; the startup recovery lists running ones on its own schedule.
    const polls = platform.requests.filter(
      (r) => r.route === TASKS_ROUTE && r.query.status === 'pending',
    ).length;
    await vi.waitFor(() => expect(platform.calls[TASKS_ROUTE]).toBeGreaterThan(polls + 5), {
      timeout: 5000,
    });
    expect(platform.tasks[0]?.status).toBe('pending');
    release.open();
    await vi.waitFor(() => expect(worker.outboxPending).toBe(1)); // `done` queued behind `running`
    platform.faults.configure({});
    await vi.waitFor(() => expect(platform.tasks[0]?.status).toBe('done'), { timeout: 5000 });
    expect(runs).toHaveBeenCalledTimes(1);
    expect(acceptedStatuses(platform, task.id)).toEqual(['running', 'done']);
  });

  it('logs every failed poll once: one request per warning, none hidden in client retries', async () => {
    const { platform, token } = await startPlatform({
      routes: { [TASKS_ROUTE]: { serverError: 1 } },
    });
    const warnings: string[] = [];
    const worker = createWorker(
      platform,
      token,
      [defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) })],
      {
        // The client's default policy retries a GET twice; the Worker must send each poll once.
        client: new PlatformClient({ token, baseUrl: platform.url, env: {} }),
        logger: { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} },
      },
    );
    await worker.start();
    await vi.waitFor(() => expect(warnings.length).toBeGreaterThanOrEqual(3), {
      timeout: 10_000,
      interval: 10,
    });
    await worker.stop({ graceMs: 0 });
    // Polls for pending tasks; the startup recovery lists running ones on its own schedule.
    const polls = platform.requests.filter(
      (r) => r.route === TASKS_ROUTE && r.query.status === 'pending',
    ).length;
    const pollWarnings = warnings.filter((w) => w.startsWith('platform error'));
    // The poll running when the worker stopped may have no warning of its own.
    expect(polls - pollWarnings.length).toBeGreaterThanOrEqual(0);
    expect(polls - pollWarnings.length).toBeLessThanOrEqual(1);
  });

  it('stops with a fatal error when pairing gets a 401', async () => {
    const { platform } = await startPlatform();
    const worker = createWorker(platform, 'dfssat_not-a-real-key-000000000000000000000000', [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
    ]);
    const error = await worker.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerFatalError);
    expect((error as Error).message).toBe(
      'the platform refused the satellite token (HTTP 401). Check settings.token; was the key rotated or revoked?',
    );
    expect((error as WorkerFatalError).code).toBe('token_refused');
    expect((error as Error).message).not.toContain('not-a-real-key');
    expect(worker.state).toBe('failed');
    await expect(worker.wait()).rejects.toBeInstanceOf(WorkerFatalError);
    expect(platform.calls['POST /satellites/v1/pair']).toBe(1);
  });

  it('stops polling with a fatal error when the token is revoked (no 401 loop)', async () => {
    const { platform, satellite, token } = await startPlatform();
    const worker = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
    ]);
    await worker.start();
    await vi.waitFor(() => expect(platform.calls[TASKS_ROUTE]).toBeGreaterThan(1));
    platform.rotateSatelliteKey(satellite.id);
    const error = await worker.wait().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerFatalError);
    expect((error as Error).message).toBe(
      'the platform refused the satellite token while polling (HTTP 401); stopped instead of polling forever. Check settings.token; was the key rotated or revoked?',
    );
    expect(worker.state).toBe('failed');
    expect(worker.metrics.pollErrors).toBe(1);
    const unauthorized = platform.requests.filter(
      (r) => r.route === TASKS_ROUTE && r.status === 401,
    );
    expect(unauthorized).toHaveLength(1);
  });

  it('delivers the result after a platform outage mid-task', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const started = gate();
    const release = gate();
    const worker = createWorker(
      platform,
      token,
      [
        defineHandler('deploy', {
          capability: DEPLOY_CAPABILITY,
          run: async () => {
            started.open();
            await release.promise;
            return { inference_url: '/deployments/x' };
          },
        }),
      ],
      { settings: { concurrency: 2, readyMaxAgeMs: 50 } },
    );
    await worker.start();
    await started.promise;
    await vi.waitFor(() => expect(acceptedStatuses(platform, task.id)).toEqual(['running']));
    platform.faults.configure({ global: { serverError: 0.5, drop: 0.5 } });
    release.open();
    await vi.waitFor(() => expect(worker.metrics.pollErrors).toBeGreaterThan(2), { timeout: 5000 });
    await vi.waitFor(() => expect(worker.readiness()).toMatchObject({ ready: false }), {
      timeout: 5000,
    });
    expect(platform.tasks[0]?.status).toBe('running');
    expect(worker.outboxPending).toBe(1);
    platform.faults.configure({});
    await vi.waitFor(() => expect(platform.tasks[0]?.status).toBe('done'), { timeout: 10_000 });
    expect(platform.tasks[0]?.result).toEqual({ inference_url: '/deployments/x' });
    expect(acceptedStatuses(platform, task.id)).toEqual(['running', 'done']);
    await vi.waitFor(() => expect(worker.readiness()).toEqual({ ready: true }), { timeout: 5000 });
  });

  it('drains in-flight work on stop and takes no new tasks', async () => {
    const { platform, satellite, token } = await startPlatform();
    const first = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const started = gate();
    const release = gate();
    const runs = vi.fn(async () => {
      started.open();
      await release.promise;
      return { drained: true };
    });
    const worker = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: runs }),
    ]);
    const states: string[] = [];
    worker.onStateChange((c) => states.push(c.to));
    await worker.start();
    await started.promise;
    const stopping = worker.stop({ graceMs: 10_000 });
    await vi.waitFor(() => expect(worker.state).toBe('draining'));
    const second = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    release.open();
    await expect(stopping).resolves.toEqual({ clean: true, abortedTasks: 0, undelivered: 0 });
    expect(worker.stop()).toBe(stopping);
    expect(states).toEqual(['starting', 'running', 'stopping', 'draining', 'stopped']);
    expect(platform.tasks.find((t) => t.id === first.id)).toMatchObject({
      status: 'done',
      result: { drained: true },
    });
    expect(platform.tasks.find((t) => t.id === second.id)?.status).toBe('pending');
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it('aborts and fails in-flight tasks with {reason: shutdown} when the grace period ends', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const started = gate<AbortSignal>();
    const worker = createWorker(platform, token, [
      defineHandler('deploy', {
        capability: DEPLOY_CAPABILITY,
        // Ignores its signal on purpose: the runtime must not wait for it.
        run: (ctx) => {
          started.open(ctx.signal);
          return new Promise(() => {});
        },
      }),
    ]);
    await worker.start();
    const signal = await started.promise;
    const result = await worker.stop({ graceMs: 20 });
    expect(result).toEqual({ clean: false, abortedTasks: 1, undelivered: 0 });
    expect(signal.aborted).toBe(true);
    expect(platform.tasks.find((t) => t.id === task.id)).toMatchObject({
      status: 'failed',
      result: { reason: 'shutdown' },
    });
    expect(worker.metrics.taskCount('deploy', 'shutdown')).toBe(1);
  });

  it('forceStop aborts at once; stop before start is a no-op; start twice is refused', async () => {
    const { platform, satellite, token } = await startPlatform();
    platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const idle = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
    ]);
    await expect(idle.stop()).resolves.toMatchObject({ clean: true });
    expect(idle.state).toBe('stopped');

    const started = gate();
    const worker = createWorker(platform, token, [
      defineHandler('deploy', {
        capability: DEPLOY_CAPABILITY,
        run: (ctx) => {
          started.open();
          return new Promise((_r, reject) =>
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
          );
        },
      }),
    ]);
    expect(() => worker.register(defineHandler('deploy', { run: () => ({}) }))).toThrow(
      /registered twice/,
    );
    await worker.start();
    await expect(worker.start()).rejects.toThrow(/while the worker is running/);
    expect(() => worker.register(defineHandler('other', { run: () => ({}) }))).toThrow(
      /before start/,
    );
    await started.promise;
    const result = await worker.forceStop();
    expect(result).toMatchObject({ clean: false, abortedTasks: 1 });
    expect(platform.tasks[0]).toMatchObject({ status: 'failed', result: { reason: 'shutdown' } });
  });

  it('can be stopped while pairing keeps failing', async () => {
    const { platform, token } = await startPlatform({
      routes: { 'POST /satellites/v1/pair': { serverError: 1 } },
    });
    const worker = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
    ]);
    const starting = worker.start();
    await vi.waitFor(() => expect(platform.calls['POST /satellites/v1/pair']).toBeGreaterThan(2));
    await worker.stop();
    await expect(starting).resolves.toBeUndefined();
    expect(worker.state).toBe('stopped');
  });
});
