import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FakeLlamaOrch,
  type FakeLumlPlatform,
  startFakeLlamaOrch,
  startFakeLumlPlatform,
} from '@uplink/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MODEL_SERVER_ENTRY } from '../src/model-processes.js';
import { demoModelCard } from '../src/model-server/model-card.js';
import { type RunningSatellite, startSatellite } from '../src/satellite.js';

let platform: FakeLumlPlatform;
let orch: FakeLlamaOrch;
let dataDir: string;
let satellite: RunningSatellite | undefined;

beforeEach(async () => {
  platform = await startFakeLumlPlatform();
  orch = await startFakeLlamaOrch({ apiKey: 'orch-test-key' });
  dataDir = await mkdtemp(join(tmpdir(), 'uplink-satellite-test-'));
});
afterEach(async () => {
  await satellite?.stop();
  satellite = undefined;
  await Promise.all([platform.close(), orch.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

async function boot() {
  const { satellite: record, token } = platform.createSatellite({ name: 'test' });
  satellite = await startSatellite({
    env: {},
    settings: { token, platformUrl: platform.url, pollIntervalMs: 20, healthEnabled: false },
    llamaOrchUrl: orch.url,
    dataDir,
  });
  return { satelliteId: record.id, running: satellite };
}

/** Resolve once `predicate` holds for the fake's state (bounded: 200 checks, 25 ms apart). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const taskOf = (id: string) => platform.tasks.find((t) => t.id === id);
const deploymentOf = (id: string) => platform.deployments.find((d) => d.id === id);

describe('demo satellite against the fake platform', () => {
  it('has a built model server to start', () => {
    expect(existsSync(MODEL_SERVER_ENTRY), `${MODEL_SERVER_ENTRY}: run pnpm build`).toBe(true);
  });

  it('pairs with capabilities derived from its handlers', async () => {
    const { satelliteId } = await boot();
    const paired = platform.getSatellite(satelliteId);
    expect(paired?.paired).toBe(true);
    expect(Object.keys(paired?.capabilities ?? {})).toEqual(['deploy']);
  });

  it('deploys: keeps the user tags through the PATCH, injects secrets, and serves compute', async () => {
    // The model process reaches llama-orch only with the key injected from the orbit secret.
    const { satelliteId, running } = await boot();
    const artifact = platform.uploadArtifact({
      bytes: JSON.stringify(demoModelCard()),
      fileName: 'card.json',
    });
    const secret = platform.createSecret({
      name: 'LLAMA_ORCH_API_KEY',
      value: 'orch-test-key',
    });
    const { deployment, task } = platform.createDeployment({
      satelliteId,
      artifactId: artifact.id,
      name: 'm',
      tags: ['prod'],
      envVariablesSecrets: { LLAMA_ORCH_API_KEY: secret.id },
    });
    await until(() => taskOf(task!.id)?.status === 'done', 'the deploy task');
    expect(taskOf(task!.id)?.result).toEqual({ inference_url: `/deployments/${deployment.id}` });
    const active = deploymentOf(deployment.id);
    expect(active).toMatchObject({ status: 'active', tags: ['prod'], error_message: null });
    expect((active?.schemas as { openapi?: string } | undefined)?.openapi).toBe('3.1.0');
    expect(running.models.get(deployment.id)).toBeDefined();

    const res = await fetch(`${running.publicApi.url}/deployments/${deployment.id}/compute`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${platform.userApiKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ prompt: 'hi', max_tokens: 2, stream: false }),
    });
    expect(await res.json()).toMatchObject({ tokens_out: 2 });
  });

  it('fails the deploy and the deployment when the artifact cannot be read', async () => {
    const { satelliteId } = await boot();
    const artifact = platform.uploadArtifact({ bytes: JSON.stringify(demoModelCard()) });
    // The artifact vanishes between the deployment's creation and the deploy task.
    platform.faults.configure({
      routes: { 'GET /satellites/v1/artifacts/**': { serverError: 1, serverErrorStatus: 404 } },
    });
    const { deployment, task } = platform.createDeployment({
      satelliteId,
      artifactId: artifact.id,
      name: 'missing-artifact',
    });
    await until(() => taskOf(task!.id)?.status === 'failed', 'the failed deploy task');
    expect(taskOf(task!.id)?.result).toMatchObject({
      reason: 'failed to get model artifact details',
    });
    expect(deploymentOf(deployment.id)).toMatchObject({
      status: 'failed',
      error_message: { reason: 'failed to get model artifact details' },
    });
  });

  it('fails the deploy when the model process cannot start (not a model card)', async () => {
    const { satelliteId, running } = await boot();
    const artifact = platform.uploadArtifact({
      bytes: '{"not":"a model card"}',
      fileName: 'bad.json',
    });
    const { deployment, task } = platform.createDeployment({
      satelliteId,
      artifactId: artifact.id,
      name: 'bad',
    });
    await until(() => taskOf(task!.id)?.status === 'failed', 'the failed deploy task');
    expect(taskOf(task!.id)?.result).toMatchObject({ reason: 'Failed to create container' });
    expect(String((taskOf(task!.id)?.result as { error?: string } | undefined)?.error)).toContain(
      'not an uplink-llm/1 model card',
    );
    expect(deploymentOf(deployment.id)?.status).toBe('failed');
    expect(running.models.list()).toEqual([]);
  });

  it('undeploys: stops the process, deletes the deployment, reports container_removed', async () => {
    const { satelliteId, running } = await boot();
    const artifact = platform.uploadArtifact({
      bytes: JSON.stringify(demoModelCard()),
      fileName: 'card.json',
    });
    const { deployment, task } = platform.createDeployment({
      satelliteId,
      artifactId: artifact.id,
      name: 'm',
    });
    await until(() => taskOf(task!.id)?.status === 'done', 'the deploy task');
    const undeploy = platform.requestDeploymentDeletion(deployment.id);
    await until(() => taskOf(undeploy.id)?.status === 'done', 'the undeploy task');
    expect(taskOf(undeploy.id)?.result).toEqual({ container_removed: true });
    expect(deploymentOf(deployment.id)).toBeUndefined();
    expect(running.models.list()).toEqual([]);
  });

  it('marks deletion_failed when the platform refuses the DELETE', async () => {
    const { satelliteId } = await boot();
    // An undeploy task for a deployment that is not `deletion_pending`: DELETE answers 409.
    const { deployment } = platform.createDeployment({
      satelliteId,
      artifactId: platform.uploadArtifact({ bytes: 'x' }).id,
      name: 'm',
      status: 'active',
      enqueueTask: false,
    });
    const undeploy = platform.enqueueTask({
      satelliteId,
      type: 'undeploy',
      payload: { deployment_id: deployment.id },
    });
    await until(() => taskOf(undeploy.id)?.status === 'failed', 'the failed undeploy task');
    expect(taskOf(undeploy.id)?.result).toMatchObject({ reason: 'Failed to delete deployment.' });
    expect(deploymentOf(deployment.id)).toMatchObject({
      status: 'deletion_failed',
      error_message: { reason: 'Failed to delete deployment.' },
    });
  });

  it('reconciles at startup: an active deployment without a process becomes not_responding', async () => {
    const { satellite: record, token } = platform.createSatellite({ name: 'restarted' });
    const { deployment } = platform.createDeployment({
      satelliteId: record.id,
      artifactId: platform.uploadArtifact({ bytes: 'x' }).id,
      name: 'orphan',
      status: 'active',
      tags: ['keep'],
      enqueueTask: false,
    });
    satellite = await startSatellite({
      env: {},
      settings: { token, platformUrl: platform.url, pollIntervalMs: 20, healthEnabled: false },
      llamaOrchUrl: orch.url,
      dataDir,
    });
    expect(deploymentOf(deployment.id)).toMatchObject({
      status: 'not_responding',
      tags: ['keep'],
      error_message: { reason: 'Not Found' },
    });
  });
});
