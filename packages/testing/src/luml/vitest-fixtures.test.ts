import { describe, expect } from 'vitest';
import { test } from '../vitest.js';

describe('vitest fixtures', () => {
  test('mockPlatformClient holds sampleDeployment and sampleTask, linked by payload', async ({
    mockPlatformClient,
    sampleTask,
    sampleDeployment,
  }) => {
    expect(sampleTask.payload).toEqual({ deployment_id: sampleDeployment.id });
    expect(await mockPlatformClient.listTasks({ status: 'pending' })).toEqual([sampleTask]);
    await mockPlatformClient.updateTaskStatus(sampleTask.id, 'done');
    mockPlatformClient.expectTaskStatus(sampleTask.id, 'done');
    expect((await mockPlatformClient.getDeployment(sampleDeployment.id)).id).toBe(
      sampleDeployment.id,
    );
  });

  test('fakePlatform and fakeSatellite give a live server and a working token', async ({
    fakePlatform,
    fakeSatellite,
  }) => {
    const res = await fetch(`${fakePlatform.url}/satellites/v1/tasks`, {
      headers: { authorization: `Bearer ${fakeSatellite.token}` },
    });
    expect(res.status).toBe(200);
    expect(fakePlatform.satellites.map((s) => s.id)).toEqual([fakeSatellite.satellite.id]);
  });
});
