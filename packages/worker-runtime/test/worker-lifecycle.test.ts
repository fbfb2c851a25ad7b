import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { DeploymentTaskPayloadSchema } from '@uplink/core-schemas/luml';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { defineHandler, TaskExecutionError } from '../src/index.js';
import { acceptedStatuses, createWorker, DEPLOY_CAPABILITY, startPlatform } from './helpers.js';

const MODEL = Buffer.from('model bytes '.repeat(5000));

describe('Worker: task lifecycle against FakeLumlPlatform', () => {
  it('pairs with capabilities from the handlers and runs a deploy end to end', async () => {
    const { platform, satellite, token } = await startPlatform();
    const artifact = platform.uploadArtifact({ bytes: MODEL, fileName: 'model.luml' });
    const { deployment, task } = platform.createDeployment({
      satelliteId: satellite.id,
      artifactId: artifact.id,
      name: 'churn',
    });
    let tempDir = '';
    let downloaded = '';
    const deploy = defineHandler('deploy', {
      payload: DeploymentTaskPayloadSchema,
      capability: DEPLOY_CAPABILITY,
      run: async (ctx) => {
        const dep = await ctx.client.getDeployment(ctx.payload.deployment_id, {
          signal: ctx.signal,
        });
        const url = await ctx.client.getArtifactDownloadUrl(dep.artifact_id, {
          signal: ctx.signal,
        });
        const file = await ctx.downloadFile(url, undefined, { sha256: artifact.file_hash });
        downloaded = await readFile(file.path, 'utf8');
        tempDir = await ctx.tempDirectory();
        const inferenceUrl = `/deployments/${dep.id}`;
        await ctx.client.updateDeployment(dep.id, {
          status: 'active',
          inference_url: inferenceUrl,
        });
        return { inference_url: inferenceUrl };
      },
    });
    const worker = createWorker(platform, token, [deploy]);
    const started = vi.fn();
    worker.onStateChange((c) => started(c.to));
    await worker.start();
    expect(worker.state).toBe('running');
    expect(started.mock.calls.map((c) => c[0])).toEqual(['starting', 'running']);
    expect(platform.getSatellite(satellite.id)).toMatchObject({
      paired: true,
      capabilities: { deploy: { version: 1, supported_variants: ['pyfunc'] } },
    });
    await vi.waitFor(
      () => expect(platform.tasks.find((t) => t.id === task?.id)?.status).toBe('done'),
      {
        timeout: 10_000,
      },
    );
    const done = platform.tasks.find((t) => t.id === task?.id);
    expect(done?.result).toEqual({ inference_url: `/deployments/${deployment.id}` });
    expect(acceptedStatuses(platform, task?.id as string)).toEqual(['running', 'done']);
    expect(platform.deployments[0]).toMatchObject({ status: 'active' });
    expect(downloaded).toBe(MODEL.toString());
    await expect(stat(tempDir)).rejects.toThrow(); // removed when the task ended
    expect(worker.metrics.taskCount('deploy', 'done')).toBe(1);
    const result = await worker.stop();
    expect(result).toEqual({ clean: true, abortedTasks: 0, undelivered: 0 });
    expect(worker.state).toBe('stopped');
    await expect(worker.wait()).resolves.toBeUndefined();
  });

  it('fails every failure path with the documented result, running onFailure', async () => {
    const { platform, satellite, token } = await startPlatform();
    const secret = platform.createSecret({ name: 'API_TOKEN', value: 'sk-super-secret-value' });
    const enqueue = (type: string, payload: Record<string, unknown>) =>
      platform.enqueueTask({ satelliteId: satellite.id, type, payload }).id;
    const ids = {
      throws: enqueue('boom', { n: 1 }),
      custom: enqueue('custom', {}),
      invalid: enqueue('typed', { count: 'three' }),
      unknown: enqueue('mystery', {}),
      timeout: enqueue('slow', {}),
      leak: enqueue('leak', {}),
      nonJson: enqueue('nonjson', {}),
    };
    const onFailure = vi.fn();
    const typedRun = vi.fn();
    const worker = createWorker(
      platform,
      token,
      [
        defineHandler('boom', {
          capability: DEPLOY_CAPABILITY,
          run: () => {
            throw new Error('disk full');
          },
          onFailure,
        }),
        defineHandler('custom', {
          run: async () => {
            throw new TaskExecutionError('healthcheck timeout', {
              error: 'container logs...',
              details: { attempts: 3 },
            });
          },
          onFailure: () => {
            throw new Error('hook failed too');
          },
        }),
        defineHandler('typed', {
          payload: v.object({ count: v.number() }),
          run: typedRun,
        }),
        defineHandler('slow', {
          timeoutMs: 30,
          run: (ctx) =>
            new Promise((_resolve, reject) =>
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
            ),
        }),
        defineHandler('leak', {
          run: async (ctx) => {
            const value = await ctx.getSecret('API_TOKEN');
            const byId = await ctx.getSecret(secret.id);
            ctx.logger.info(`got ${value}`);
            throw new Error(`upstream rejected ${byId}`);
          },
        }),
        defineHandler('nonjson', { run: () => ({ n: 10n }) as never }),
      ],
      { settings: { concurrency: 4 } },
    );
    await worker.start();
    await vi.waitFor(
      () =>
        expect(
          Object.values(ids).every(
            (id) => platform.tasks.find((t) => t.id === id)?.status === 'failed',
          ),
        ).toBe(true),
      { timeout: 10_000 },
    );
    const result = (id: string) => platform.tasks.find((t) => t.id === id)?.result;
    expect(result(ids.throws)).toEqual({ reason: 'handler error', error: 'disk full' });
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0]?.[1]).toMatchObject({ message: 'disk full' });
    expect(result(ids.custom)).toEqual({
      reason: 'healthcheck timeout',
      error: 'container logs...',
      attempts: 3,
    });
    expect(result(ids.invalid)).toMatchObject({ reason: 'invalid task payload' });
    expect((result(ids.invalid) as { error: string }).error).toMatch(/^count: /);
    expect(typedRun).not.toHaveBeenCalled();
    expect(result(ids.unknown)).toEqual({ reason: 'unknown type: mystery' });
    expect(result(ids.timeout)).toEqual({
      reason: 'timeout',
      error: 'Task exceeded its timeout of 30 ms',
    });
    expect(result(ids.leak)).toEqual({
      reason: 'handler error',
      error: 'upstream rejected [REDACTED]',
    });
    expect(result(ids.nonJson)).toMatchObject({ reason: 'handler error' });
    for (const id of Object.values(ids)) {
      expect(acceptedStatuses(platform, id)).toEqual(['running', 'failed']);
    }
    expect(worker.metrics.taskCount('typed', 'invalid_payload')).toBe(1);
    expect(worker.metrics.taskCount('mystery', 'unknown_type')).toBe(1);
    expect(worker.metrics.taskCount('slow', 'timeout')).toBe(1);
  });

  it('fails a task whose download does not match its sha256', async () => {
    const { platform, satellite, token } = await startPlatform();
    const artifact = platform.uploadArtifact({ bytes: MODEL, fileName: 'model.luml' });
    const { task } = platform.createDeployment({
      satelliteId: satellite.id,
      artifactId: artifact.id,
      name: 'x',
    });
    const worker = createWorker(platform, token, [
      defineHandler('deploy', {
        payload: DeploymentTaskPayloadSchema,
        capability: DEPLOY_CAPABILITY,
        run: async (ctx) => {
          const url = await ctx.client.getArtifactDownloadUrl(artifact.id);
          await ctx.downloadFile(url, undefined, {
            sha256: createHash('sha256').update('something else').digest('hex'),
          });
          return {};
        },
      }),
    ]);
    await worker.start();
    await vi.waitFor(
      () => expect(platform.tasks.find((t) => t.id === task?.id)?.status).toBe('failed'),
      {
        timeout: 10_000,
      },
    );
    const result = platform.tasks.find((t) => t.id === task?.id)?.result as {
      reason: string;
      error: string;
    };
    expect(result.reason).toBe('handler error');
    expect(result.error).toMatch(
      /^Checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/.*model\.luml: expected sha256/,
    );
    expect(result.error).not.toContain('?');
  });

  it('serves /healthz, /readyz and /metrics while running', async () => {
    const { platform, satellite, token } = await startPlatform();
    platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const worker = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
    ]);
    expect(worker.readiness()).toEqual({ ready: false, reason: 'worker is idle' });
    await worker.start();
    const url = worker.healthUrl as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await vi.waitFor(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), {
      timeout: 5000,
    });
    await vi.waitFor(() => expect(worker.metrics.taskCount('deploy', 'done')).toBe(1), {
      timeout: 5000,
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('uplink_worker_tasks_total{type="deploy",outcome="done"} 1');
    expect(metrics).toContain('uplink_worker_state{state="running"} 1');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await worker.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('runs startup hooks after the client opens and before pairing', async () => {
    const { platform, satellite, token } = await startPlatform();
    const order: string[] = [];
    const worker = createWorker(
      platform,
      token,
      [defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) })],
      {
        startupHooks: [
          async ({ client }) => {
            order.push(`hook1 paired=${platform.getSatellite(satellite.id)?.paired}`);
            expect(await client.listDeployments()).toEqual([]);
          },
          () => {
            order.push('hook2');
            throw new Error('reconcile failed');
          },
        ],
      },
    );
    await worker.start();
    expect(order).toEqual(['hook1 paired=false', 'hook2']);
    expect(platform.getSatellite(satellite.id)?.paired).toBe(true);
  });

  it('recovers tasks left running by a crash: fails them, or re-runs idempotent ones', async () => {
    const { platform, satellite, token } = await startPlatform();
    const stuck = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: {},
      status: 'running',
    });
    const rerun = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'sync',
      payload: {},
      status: 'running',
    });
    const syncRuns = vi.fn(() => ({ synced: true }));
    const worker = createWorker(platform, token, [
      defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({}) }),
      defineHandler('sync', { idempotent: true, run: syncRuns }),
    ]);
    await worker.start();
    await vi.waitFor(
      () => expect(platform.tasks.find((t) => t.id === rerun.id)?.status).toBe('done'),
      {
        timeout: 5000,
      },
    );
    await vi.waitFor(
      () => expect(platform.tasks.find((t) => t.id === stuck.id)?.status).toBe('failed'),
      {
        timeout: 5000,
      },
    );
    expect(platform.tasks.find((t) => t.id === stuck.id)?.result).toEqual({
      reason: 'worker restarted',
    });
    expect(platform.tasks.find((t) => t.id === rerun.id)?.result).toEqual({ synced: true });
    expect(syncRuns).toHaveBeenCalledTimes(1);
  });
});
