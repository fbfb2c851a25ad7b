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

  // The two tests below run in order (vitest runs a file's tests sequentially).
  let leftover: { url: string; mock: { closed: boolean } } | undefined;
  test('records a fake and a mock to check their cleanup', async ({
    fakePlatform,
    mockPlatformClient,
  }) => {
    leftover = { url: fakePlatform.url, mock: mockPlatformClient };
    expect((await fetch(`${fakePlatform.url}/satellites/v1/tasks`)).status).toBe(401);
  });

  test('closed the previous test’s fake and mock', async () => {
    expect(leftover).toBeDefined();
    await expect(fetch(`${leftover!.url}/satellites/v1/tasks`)).rejects.toThrow();
    expect(leftover!.mock.closed).toBe(true);
  });
});
