import { ConflictError, ConnectionError, NotFoundError } from '@uplink/core-schemas';
import { PlatformClient } from '@uplink/platform-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

// The real client against the fake, over real HTTP: proves the fake is usable as a test
// platform (the client's own behaviour is tested in @uplink/platform-client).

let platform: FakeLumlPlatform;
let client: PlatformClient;
let satelliteId: string;

beforeEach(async () => {
  platform = await startFakeLumlPlatform();
  const created = platform.createSatellite({ name: 'edge-docker-01' });
  satelliteId = created.satellite.id;
  client = new PlatformClient({
    token: created.token,
    platformUrl: platform.url,
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    cache: { inferenceAccessTtlMs: false, secretTtlMs: false },
  });
});
afterEach(async () => {
  await client.close();
  await platform.close();
});

describe('PlatformClient against FakeLumlPlatform', () => {
  it('runs a deploy and an undeploy the way a satellite does', async () => {
    const satellite = await client.pair({
      baseUrl: 'http://localhost',
      capabilities: { monitoring: { version: 1 } },
    });
    expect(satellite).toMatchObject({
      id: satelliteId,
      base_url: 'http://localhost/',
      paired: true,
    });

    const artifact = platform.uploadArtifact({ bytes: 'weights' });
    const { deployment, task } = platform.createDeployment({
      satelliteId,
      artifactId: artifact.id,
      name: 'churn',
      tags: ['prod'],
    });
    const [pending] = await client.listTasks({ status: 'pending' });
    expect(pending?.id).toBe(task.id);
    await client.updateTaskStatus(task.id, 'running');
    const url = await client.getArtifactDownloadUrl(artifact.id);
    expect(await (await fetch(url)).text()).toBe('weights');
    expect((await client.getArtifact(artifact.id)).artifact.id).toBe(artifact.id);

    // The client's merge keeps the user's tags that a raw PATCH would null.
    const active = await client.updateDeployment(deployment.id, {
      status: 'active',
      inference_url: `/deployments/${deployment.id}`,
    });
    expect(active).toMatchObject({ status: 'active', tags: ['prod'] });
    await client.updateTaskStatus(task.id, 'done', { inference_url: active.inference_url });
    expect(platform.tasks[0]).toMatchObject({
      status: 'done',
      result: { inference_url: `/deployments/${deployment.id}` },
    });

    await expect(client.deleteDeployment(deployment.id)).rejects.toBeInstanceOf(ConflictError);
    const undeploy = platform.requestDeploymentDeletion(deployment.id);
    expect((await client.listTasks({ status: 'pending' })).map((t) => t.id)).toEqual([undeploy.id]);
    await client.deleteDeployment(deployment.id);
    await expect(client.getDeployment(deployment.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads secrets and inference access', async () => {
    const secret = platform.createSecret({ name: 'DB_PASSWORD', value: 'hunter2' });
    expect((await client.getSecret(secret.id)).value).toBe('hunter2');
    expect((await client.getSecretByName('DB_PASSWORD')).id).toBe(secret.id);
    expect(await client.listSecrets()).toHaveLength(1);
    expect(await client.authorizeInferenceAccess(platform.userApiKey)).toBe(true);
    expect(await client.authorizeInferenceAccess('dfs_unknown')).toBe(false);
  });

  it('retries idempotent reads through injected 503s; never blindly retries a dropped status post', async () => {
    platform.faults.configure({
      routes: { 'GET /satellites/v1/deployments': { serverError: 0.5 } },
    });
    for (let i = 0; i < 5; i++) expect(await client.listDeployments()).toEqual([]);
    expect(platform.faults.stats.serverError).toBeGreaterThan(0);
    expect(platform.calls['GET /satellites/v1/deployments']).toBe(
      5 + platform.faults.stats.serverError,
    );

    const task = platform.enqueueTask({ satelliteId, type: 'deploy' });
    platform.faults.configure({ routes: { 'POST /satellites/v1/tasks/*/status': { drop: 1 } } });
    await expect(client.updateTaskStatus(task.id, 'running')).rejects.toBeInstanceOf(
      ConnectionError,
    );
    expect(platform.calls['POST /satellites/v1/tasks/{task_id}/status']).toBe(1);
  });
});
