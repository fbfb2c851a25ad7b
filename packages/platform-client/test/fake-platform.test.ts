import {
  AuthenticationError,
  ConflictError,
  InternalServerError,
  isUplinkError,
  NotFoundError,
  PermissionDeniedError,
  TimeoutError,
  UnprocessableEntityError,
} from '@uplink/core-schemas';
import { type FakeLumlPlatform, startFakeLumlPlatform } from '@uplink/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformClient, resolveInferenceUrl } from '../src/index.js';

// Every method end to end against FakeLumlPlatform (real HTTP, the real server's semantics).
let platform: FakeLumlPlatform;
let client: PlatformClient;
let satelliteId: string;
let token: string;

const capabilities = {
  deploy: {
    version: 1,
    supported_variants: ['pyfunc'],
    supported_tags_combinations: null,
    extra_fields_form_spec: [],
  },
  monitoring: { version: 1 },
};

beforeEach(async () => {
  platform = await startFakeLumlPlatform();
  ({
    satellite: { id: satelliteId },
    token,
  } = platform.createSatellite({ name: 'edge-01' }));
  client = new PlatformClient({ token, baseUrl: platform.url, env: {} });
});

afterEach(async () => {
  await client.close();
  await platform.close();
});

function setupDeployment(tags: string[] | null = ['prod', 'churn']) {
  const artifact = platform.uploadArtifact({ bytes: 'model-bytes', fileName: 'model.luml' });
  return platform.createDeployment({
    satelliteId,
    artifactId: artifact.id,
    name: 'churn-predictor',
    tags,
  });
}

describe('PlatformClient against FakeLumlPlatform', () => {
  it('pairs, normalising the base URL as the platform does', async () => {
    const satellite = await client.pair({
      baseUrl: 'http://localhost',
      capabilities,
      slug: 'uplink-test',
    });
    expect(satellite).toMatchObject({ id: satelliteId, paired: true, slug: 'uplink-test' });
    expect(satellite.base_url).toBe('http://localhost/');
    expect(Object.keys(satellite.capabilities)).toEqual(['deploy', 'monitoring']);
  });

  it('lists tasks with and without the status filter, and updates them', async () => {
    const { task, deployment } = setupDeployment();
    expect(task).toBeDefined();
    const pending = await client.listTasks({ status: 'pending' });
    expect(pending.map((t) => t.id)).toEqual([task?.id]);
    expect(pending[0]?.payload).toEqual({ deployment_id: deployment.id });

    const running = await client.updateTaskStatus(task!.id, 'running');
    expect(running.status).toBe('running');
    expect(running.started_at).not.toBeNull();
    expect(await client.listTasks({ status: 'pending' })).toEqual([]);

    const done = await client.updateTaskStatus(task!.id, 'done', {
      inference_url: `/deployments/${deployment.id}`,
    });
    expect(done).toMatchObject({
      status: 'done',
      result: { inference_url: `/deployments/${deployment.id}` },
    });
    expect(done.finished_at).not.toBeNull();
    expect((await client.listTasks()).map((t) => t.status)).toEqual(['done']);
  });

  it('reads deployments and keeps tags through a merged PATCH', async () => {
    const { deployment } = setupDeployment();
    expect((await client.listDeployments()).map((d) => d.id)).toEqual([deployment.id]);
    const inferenceUrl = `/deployments/${deployment.id}`;
    const schemas = { openapi: '3.1.0', paths: {} };

    const active = await client.updateDeployment(deployment.id, {
      status: 'active',
      inference_url: inferenceUrl,
      schemas,
    });
    expect(active).toMatchObject({ status: 'active', inference_url: inferenceUrl, schemas });
    expect(active.tags).toEqual(['prod', 'churn']);

    const notResponding = await client.updateDeployment(deployment.id, {
      status: 'not_responding',
      error_message: { reason: 'Health check failed' },
    });
    expect(notResponding.tags).toEqual(['prod', 'churn']);
    expect(notResponding.inference_url).toBe(inferenceUrl);
    expect(notResponding.schemas).toEqual(schemas);
    expect((await client.getDeployment(deployment.id)).tags).toEqual(['prod', 'churn']);
  });

  it('shows the wire quirk when merging is off: the PATCH nulls tags', async () => {
    const { deployment } = setupDeployment();
    const raw = await client.updateDeployment(
      deployment.id,
      { status: 'active' },
      { merge: false },
    );
    expect(raw.tags).toBeNull();
  });

  it('updates only the status through PATCH …/status', async () => {
    const { deployment } = setupDeployment();
    const updated = await client.updateDeploymentStatus(deployment.id, 'not_responding');
    expect(updated).toMatchObject({ status: 'not_responding', tags: ['prod', 'churn'] });
  });

  it('deletes only in deletion_pending: 409 first, then 204', async () => {
    const { deployment } = setupDeployment();
    const conflict = await client.deleteDeployment(deployment.id).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).message).toContain('Request deployment deletion first');

    const undeploy = platform.requestDeploymentDeletion(deployment.id);
    expect(undeploy.type).toBe('undeploy');
    await expect(client.deleteDeployment(deployment.id)).resolves.toBeUndefined();
    expect(platform.deployments.find((d) => d.id === deployment.id)).toBeUndefined();
    await expect(client.getDeployment(deployment.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads artifacts and a working presigned download URL', async () => {
    const artifact = platform.uploadArtifact({ bytes: 'model-bytes', fileName: 'model.luml' });
    const withUrl = await client.getArtifact(artifact.id);
    expect(withUrl.artifact).toMatchObject({ id: artifact.id, file_name: 'model.luml' });
    const url = await client.getArtifactDownloadUrl(artifact.id);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('model-bytes');
  });

  it('reads secrets by id and by name', async () => {
    const secret = platform.createSecret({ name: 'OPENAI_API_KEY', value: 'sk-test-value' });
    expect((await client.listSecrets()).map((s) => s.name)).toEqual(['OPENAI_API_KEY']);
    expect((await client.getSecret(secret.id)).value).toBe('sk-test-value');
    expect((await client.getSecretByName('OPENAI_API_KEY')).id).toBe(secret.id);
    await expect(client.getSecretByName('NOPE')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('checks inference access for user keys', async () => {
    expect(await client.authorizeInferenceAccess(platform.userApiKey)).toBe(true);
    expect(await client.authorizeInferenceAccess('dfs_unknown')).toBe(false);
  });

  it('resolves inference_url against the paired base_url', async () => {
    const satellite = await client.pair({ baseUrl: 'http://edge.example/sat', capabilities });
    const { deployment } = setupDeployment();
    const active = await client.updateDeployment(deployment.id, {
      status: 'active',
      inference_url: `/deployments/${deployment.id}`,
    });
    expect(resolveInferenceUrl(satellite.base_url!, active.inference_url!)).toBe(
      `http://edge.example/sat/deployments/${deployment.id}`,
    );
  });
});

describe('PlatformClient error statuses against FakeLumlPlatform', () => {
  it('401 for an unknown token, 403 for a user key', async () => {
    await using stranger = new PlatformClient({
      token: 'dfssat_unknownunknownunknownunknownunknown000',
      baseUrl: platform.url,
      env: {},
    });
    await expect(stranger.listTasks()).rejects.toBeInstanceOf(AuthenticationError);
    await using user = new PlatformClient({
      token: platform.userApiKey,
      baseUrl: platform.url,
      env: {},
    });
    await expect(user.listTasks()).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('404 for unknown ids, 422 for malformed ids', async () => {
    await expect(client.getDeployment(crypto.randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.getSecret(crypto.randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.updateTaskStatus(crypto.randomUUID(), 'running')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(client.getDeployment('None')).rejects.toBeInstanceOf(UnprocessableEntityError);
  });

  it("404 for another satellite's deployment", async () => {
    const other = platform.createSatellite({ name: 'other' });
    const artifact = platform.uploadArtifact({ bytes: 'x' });
    const { deployment } = platform.createDeployment({
      satelliteId: other.satellite.id,
      artifactId: artifact.id,
      name: 'theirs',
    });
    await expect(client.getDeployment(deployment.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('PlatformClient under injected faults', () => {
  it('idempotent calls succeed after retries', async () => {
    const { deployment } = setupDeployment();
    await using retrying = new PlatformClient({
      token,
      baseUrl: platform.url,
      env: {},
      retry: { maxRetries: 6, baseDelayMs: 1, maxDelayMs: 4 },
    });
    platform.faults.configure({
      global: { serverError: 0.2, rateLimit: 0.1, drop: 0.1, truncate: 0.1 },
    });
    for (let i = 0; i < 5; i += 1) {
      expect((await retrying.listDeployments()).map((d) => d.id)).toEqual([deployment.id]);
    }
    const updated = await retrying.updateDeployment(deployment.id, { status: 'active' });
    expect(updated.tags).toEqual(['prod', 'churn']);
    const stats = platform.faults.stats;
    expect(stats.serverError + stats.rateLimit + stats.drop + stats.truncate).toBeGreaterThan(0);
  });

  it('a truncated answer to a task status post is an error, never a blind repeat', async () => {
    const { task } = setupDeployment();
    await using retrying = new PlatformClient({
      token,
      baseUrl: platform.url,
      env: {},
      retry: { maxRetries: 6, baseDelayMs: 1, maxDelayMs: 4 },
    });
    for (const fault of ['truncate', 'drop'] as const) {
      platform.faults.configure({
        routes: { 'POST /satellites/v1/tasks/*/status': { [fault]: 1 } },
      });
      const error = await retrying.updateTaskStatus(task!.id, 'running').catch((e: unknown) => e);
      expect(isUplinkError(error)).toBe(true);
    }
    const posts = platform.requests.filter((r) => r.route.endsWith('/status'));
    expect(posts).toHaveLength(2);
    // The truncated one was applied on the platform before the answer was cut: that is
    // why the client must not repeat it blindly (the worker's outbox decides).
    expect(platform.tasks.find((t) => t.id === task!.id)?.status).toBe('running');
  });

  it('added latency past timeoutMs is a TimeoutError; a read then succeeds by retrying', async () => {
    await using impatient = new PlatformClient({
      token,
      baseUrl: platform.url,
      env: {},
      timeoutMs: 25,
      retry: false,
    });
    platform.faults.configure({ global: { latency: 1, latencyMs: 250 } });
    await expect(impatient.listDeployments()).rejects.toBeInstanceOf(TimeoutError);
    expect(platform.faults.stats.latency).toBe(1);
    platform.faults.configure({
      routes: { 'GET /satellites/v1/deployments': { rateLimit: 0.5, retryAfterSeconds: 0 } },
    });
    await using patient = new PlatformClient({
      token,
      baseUrl: platform.url,
      env: {},
      retry: { maxRetries: 8, baseDelayMs: 1, maxDelayMs: 2 },
    });
    expect(await patient.listDeployments()).toEqual([]);
  });

  it('never retries a task status update blindly', async () => {
    const { task } = setupDeployment();
    await using retrying = new PlatformClient({
      token,
      baseUrl: platform.url,
      env: {},
      retry: { maxRetries: 6, baseDelayMs: 1, maxDelayMs: 4 },
    });
    platform.faults.configure({ global: { serverError: 1 } });
    await expect(retrying.updateTaskStatus(task!.id, 'running')).rejects.toBeInstanceOf(
      InternalServerError,
    );
    const posts = platform.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/status'),
    );
    expect(posts).toHaveLength(1);
    expect(platform.tasks.find((t) => t.id === task!.id)?.status).toBe('pending');
  });
});
