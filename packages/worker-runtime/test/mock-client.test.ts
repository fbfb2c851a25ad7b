import { DeploymentTaskPayloadSchema } from '@uplink/core-schemas/luml';
import { createDeployment, MockPlatformClient } from '@uplink/testing';
import { expect, it, vi } from 'vitest';
import { defineHandler, Worker } from '../src/index.js';
import { DEPLOY_CAPABILITY } from './helpers.js';

// The example in docs/testing.md: a handler unit test against the in-memory mock.
it('runs a handler against MockPlatformClient (docs/testing.md example)', async () => {
  const client = new MockPlatformClient();
  const deployment = createDeployment({ satellite_id: client.satellite.id });
  client.deployments.set(deployment.id, deployment);
  const task = client.addTask({ type: 'deploy', payload: { deployment_id: deployment.id } });
  const deploy = defineHandler('deploy', {
    payload: DeploymentTaskPayloadSchema,
    capability: DEPLOY_CAPABILITY,
    run: async (ctx) => {
      const dep = await ctx.client.getDeployment(ctx.payload.deployment_id, { signal: ctx.signal });
      return { inference_url: `/deployments/${dep.id}` };
    },
  });
  const worker = new Worker({
    env: { UPLINK_LOG: 'silent' },
    client,
    handlers: [deploy],
    handleSignals: false,
    settings: { token: 'dfssat_test', healthEnabled: false, pollIntervalMs: 10 },
  });
  await worker.start();
  await vi.waitFor(() => expect(client.tasks.get(task.id)?.status).toBe('done'));
  expect(client.tasks.get(task.id)?.result).toEqual({
    inference_url: `/deployments/${deployment.id}`,
  });
  expect(client.satellite.paired).toBe(true);
  await worker.stop();
  expect(client.closed).toBe(false); // a client passed in is the caller's to close
});
