// @uplink/worker-runtime in a stranger's project: a Worker with one deploy handler pairs with the
// fake LUML platform, runs the queued task to `done` and stops cleanly.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { DeploymentTaskPayloadSchema } from '@uplink/core-schemas/luml';
import { startFakeLumlPlatform } from '@uplink/testing';
import { defineHandler, Worker } from '@uplink/worker-runtime';

const platform = await startFakeLumlPlatform();
const { token, satellite } = platform.createSatellite({ name: 'release-check' });
const artifact = platform.uploadArtifact({ bytes: 'model', fileName: 'model.luml' });
const { deployment, task } = platform.createDeployment({
  satelliteId: satellite.id,
  artifactId: artifact.id,
  name: 'release-check',
});
const deploy = defineHandler('deploy', {
  payload: DeploymentTaskPayloadSchema,
  capability: {
    deploy: {
      version: 1,
      supported_variants: ['pyfunc'],
      supported_tags_combinations: null,
      extra_fields_form_spec: [],
    },
  },
  run: async ({ payload, client, signal }) => {
    const inference_url = `/deployments/${payload.deployment_id}`;
    await client.updateDeployment(
      payload.deployment_id,
      { status: 'active', inference_url },
      { signal },
    );
    return { inference_url };
  },
});
const worker = new Worker({
  handlers: [deploy],
  env: {},
  handleSignals: false,
  settings: { token, platformUrl: platform.url, pollIntervalMs: 10, healthEnabled: false },
});
try {
  await worker.start();
  for (let i = 0; i < 500 && platform.tasks.find((t) => t.id === task.id)?.status !== 'done'; i++) {
    await delay(20);
  }
  assert.equal(platform.tasks.find((t) => t.id === task.id)?.status, 'done');
  assert.equal(platform.deployments.find((d) => d.id === deployment.id)?.status, 'active');
  assert.deepEqual(await worker.stop(), { clean: true, abortedTasks: 0, undelivered: 0 });
  console.log('worker-runtime: a deploy task ran to done against the fake LUML platform');
} finally {
  await worker.stop({ graceMs: 0 }).catch(() => undefined);
  await platform.close();
}
