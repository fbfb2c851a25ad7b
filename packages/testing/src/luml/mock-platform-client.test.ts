import { AbortError, ConfigurationError, ConflictError, NotFoundError } from '@uplink/core-schemas';
import type { SatellitePlatform } from '@uplink/platform-client';
import { describe, expect, it } from 'vitest';
import { createArtifact, createDeployment, createSecret, createTask } from './factories.js';
import { MockPlatformClient } from './mock-platform-client.js';

describe('MockPlatformClient', () => {
  it('is a SatellitePlatform that pairs, lists tasks in order and applies status updates', async () => {
    const mock = new MockPlatformClient();
    const platform: SatellitePlatform = mock;
    const satellite = await platform.pair({
      baseUrl: 'http://localhost/',
      capabilities: { deploy: undefined, monitoring: { version: 1 } },
      slug: 'edge',
    });
    expect(satellite).toMatchObject({
      paired: true,
      base_url: 'http://localhost/',
      slug: 'edge',
      status: 'active',
    });
    expect(satellite.capabilities).toEqual({ monitoring: { version: 1 } });
    satellite.name = 'edited';
    expect(mock.satellite.name).not.toBe('edited');

    const late = mock.addTask({ scheduled_at: '2026-08-17T16:00:00.000Z' });
    const early = mock.addTask({ scheduled_at: '2026-08-17T14:00:00.000Z', status: 'done' });
    expect((await platform.listTasks()).map((t) => t.id)).toEqual([early.id, late.id]);
    expect((await platform.listTasks({ status: 'pending' })).map((t) => t.id)).toEqual([late.id]);
    expect(await platform.listTasks(null as never)).toHaveLength(2);

    const running = await platform.updateTaskStatus(late.id, 'running');
    expect(running.started_at).not.toBeNull();
    const done = await platform.updateTaskStatus(late.id, 'done', {
      inference_url: '/deployments/x',
    });
    expect(done).toMatchObject({ status: 'done', result: { inference_url: '/deployments/x' } });
    expect(done.finished_at).not.toBeNull();
    mock.expectTaskStatus(late.id, 'done');
    expect(() => mock.expectTaskStatus(late.id, 'failed')).toThrow(
      /Expected task .* to be 'failed', but it is 'done' \(status updates: running -> done\)/,
    );
    expect(() => mock.expectTaskStatus('missing', 'done')).toThrow(
      /unknown \(status updates: none\)/,
    );
    await expect(platform.updateTaskStatus('missing', 'running')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(mock.calls('updateTaskStatus')).toHaveLength(3);
  });

  it('handles deployments like the platform: merge by default, raw PATCH nulls, 409 on early delete', async () => {
    const mock = new MockPlatformClient({
      deployments: [
        createDeployment({ tags: ['prod'], inference_url: '/deployments/a', status: 'active' }),
      ],
    });
    const [deployment] = await mock.listDeployments();
    const id = deployment!.id;
    const merged = await mock.updateDeployment(id, {
      status: 'failed',
      error_message: { reason: 'boom' },
    });
    expect(merged).toMatchObject({
      status: 'failed',
      tags: ['prod'],
      inference_url: '/deployments/a',
    });
    const raw = await mock.updateDeployment(id, { status: 'active', tags: null }, { merge: false });
    expect(raw).toMatchObject({ tags: null, inference_url: null, error_message: null });
    expect((await mock.updateDeploymentStatus(id, 'deletion_failed')).status).toBe(
      'deletion_failed',
    );
    mock.expectDeploymentStatus(id, 'deletion_failed');
    expect(() => mock.expectDeploymentStatus(id, 'active')).toThrow(/but it is 'deletion_failed'/);
    const conflict = await mock.deleteDeployment(id).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).body).toEqual({
      detail: 'Incorrect deployment status. Request deployment deletion first.',
    });
    await mock.updateDeploymentStatus(id, 'deletion_pending');
    await mock.deleteDeployment(id);
    expect(() => mock.expectDeploymentStatus(id, 'active')).toThrow(/absent/);
    await expect(mock.getDeployment(id)).rejects.toBeInstanceOf(NotFoundError);
    const added = mock.addDeployment({ name: 'x' });
    expect((await mock.getDeployment(added.id)).name).toBe('x');
  });

  it('serves artifacts, secrets and inference access', async () => {
    const artifact = createArtifact();
    const secret = createSecret({ name: 'DB_PASSWORD' });
    const mock = new MockPlatformClient({
      artifacts: [artifact],
      secrets: [secret],
      authorizedApiKeys: ['dfs_ok'],
    });
    const withUrl = await mock.getArtifact(artifact.id);
    expect(withUrl.artifact).toBe(artifact);
    expect(await mock.getArtifactDownloadUrl(artifact.id)).toBe(withUrl.url);
    await expect(mock.getArtifact('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(mock.addArtifact({ name: 'a2' }).name).toBe('a2');
    expect(await mock.getSecret(secret.id)).toBe(secret);
    expect(await mock.getSecretByName('DB_PASSWORD')).toBe(secret);
    await expect(mock.getSecretByName('NOPE')).rejects.toThrow(/NOPE/);
    await expect(mock.getSecret('nope')).rejects.toBeInstanceOf(NotFoundError);
    mock.addSecret({ name: 'OTHER' });
    expect(await mock.listSecrets()).toHaveLength(2);
    expect(await mock.authorizeInferenceAccess('dfs_ok')).toBe(true);
    expect(await mock.authorizeInferenceAccess('dfs_no')).toBe(false);
  });

  it('scripts answers: values, errors, functions, once-queues; records every call', async () => {
    const mock = new MockPlatformClient();
    const task = createTask();
    mock.respond('listTasks', [task]);
    mock.respondOnce('listTasks', new Error('platform down'));
    mock.respondOnce('listTasks', () => []);
    await expect(mock.listTasks()).rejects.toThrow('platform down');
    expect(await mock.listTasks()).toEqual([]);
    expect(await mock.listTasks({ status: 'pending' })).toEqual([task]);
    mock.respond('authorizeInferenceAccess', async (key) => key.startsWith('dfs_'));
    expect(await mock.authorizeInferenceAccess('dfs_x')).toBe(true);
    mock.resetResponses('listTasks');
    expect(await mock.listTasks()).toEqual([]);
    mock.resetResponses();
    expect(await mock.authorizeInferenceAccess('dfs_x')).toBe(false);

    expect(mock.calls('listTasks')).toEqual([[{}], [{}], [{ status: 'pending' }], [{}]]);
    expect(mock.allCalls.map((c) => c.method)).toContain('authorizeInferenceAccess');
    mock.expectCalled('listTasks');
    mock.expectCalled('listTasks', 4);
    mock.expectNotCalled('pair');
    expect(() => mock.expectCalled('pair')).toThrow(/at least once, but it was called 0/);
    expect(() => mock.expectNotCalled('listTasks')).toThrow(/0 time\(s\), but it was called 4/);
  });

  it('refuses, like PlatformClient, the arguments the real client would never send', async () => {
    const mock = new MockPlatformClient();
    const deployment = mock.addDeployment({ tags: ['prod'], status: 'active' });
    const task = mock.addTask();
    mock.respond('pair', mock.satellite);
    const refused = async (call: Promise<unknown>, setting: string) => {
      const error = (await call.catch((e: unknown) => e)) as ConfigurationError;
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.problems.map((p) => p.setting)).toContain(setting);
    };
    await refused(
      mock.pair({ baseUrl: 'http://localhost', capabilities: {} }),
      'pair.capabilities',
    );
    await refused(
      mock.pair({ baseUrl: 'localhost', capabilities: { monitoring: { version: 1 } } }),
      'pair.base_url',
    );
    await refused(mock.pair(undefined as never), 'pair.base_url');
    await refused(mock.updateDeployment(deployment.id, null as never), 'update');
    await refused(mock.listTasks({ status: 'completed' as never }), 'status');
    await refused(mock.updateTaskStatus(task.id, 'completed' as never), 'status');
    await refused(mock.updateTaskStatus(task.id, 'done', 'ok' as never), 'result');
    await refused(mock.updateDeployment(deployment.id, { tags: ['x'] } as never), 'update.status');
    await refused(mock.updateDeploymentStatus(deployment.id, 'deleted' as never), 'status');
    // Nothing changed, and every refused call was still recorded.
    mock.expectTaskStatus(task.id, 'pending');
    mock.expectDeploymentStatus(deployment.id, 'active');
    expect(mock.deployments.get(deployment.id)?.tags).toEqual(['prod']);
    mock.expectCalled('pair', 3);
    mock.expectCalled('updateDeployment', 2);
  });

  it('treats an undefined update field as not named, and lists copies', async () => {
    const mock = new MockPlatformClient();
    const deployment = mock.addDeployment({
      tags: ['prod'],
      schemas: { openapi: '3.1.0' },
      status: 'active',
    });
    const merged = await mock.updateDeployment(deployment.id, {
      status: 'not_responding',
      schemas: undefined,
    });
    expect(merged.schemas).toEqual({ openapi: '3.1.0' });
    const raw = await mock.updateDeployment(
      deployment.id,
      { status: 'active', schemas: undefined },
      { merge: false },
    );
    expect(raw.schemas).toBeNull();
    const [listed] = await mock.listDeployments();
    listed!.status = 'failed';
    mock.expectDeploymentStatus(deployment.id, 'active');
    const task = mock.addTask();
    const [listedTask] = await mock.listTasks();
    listedTask!.status = 'done';
    mock.expectTaskStatus(task.id, 'pending');
  });

  it('rejects with AbortError when the signal is already aborted, and closes', async () => {
    const mock = new MockPlatformClient();
    const controller = new AbortController();
    controller.abort();
    await expect(mock.listDeployments({ signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(mock.calls('listDeployments')).toHaveLength(1);
    await mock[Symbol.asyncDispose]();
    expect(mock.closed).toBe(true);
    await mock.close();
    mock.respond('listTasks', []);
    await expect(mock.listTasks()).rejects.toBeInstanceOf(AbortError);
    expect(mock.calls('listTasks')).toHaveLength(1);
  });
});
