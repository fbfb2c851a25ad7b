import type { Deployment, Satellite, SatelliteTask } from '@uplink/core-schemas/luml';
import { afterAll, test as baseTest, onTestFinished } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './luml/fake-luml-platform.js';
import { MockPlatformClient } from './luml/mock-platform-client.js';
import {
  type RequestHandler,
  type RunningServer,
  type StartServerOptions,
  startServer as startLoopbackServer,
} from './start-server.js';

/**
 * {@link startLoopbackServer} that closes itself when the current test ends (or, when
 * called from `beforeAll`, when the suite ends), so no test leaks a listening socket.
 */
export async function startServer(
  handler: RequestHandler,
  options?: StartServerOptions,
): Promise<RunningServer> {
  const server = await startLoopbackServer(handler, options);
  try {
    onTestFinished(() => server.close());
  } catch {
    // Not inside a test (beforeAll / describe): close with the suite instead.
    afterAll(() => server.close());
  }
  return server;
}

/** Fixtures added by {@link test}. Each is created lazily, only for tests that use it. */
export interface UplinkFixtures {
  /** A fresh {@link FakeLumlPlatform} on loopback, closed after the test. */
  fakePlatform: FakeLumlPlatform;
  /** An unpaired satellite on {@link UplinkFixtures.fakePlatform} and its `dfssat_` token. */
  fakeSatellite: { satellite: Satellite; token: string };
  /** A fresh, empty {@link MockPlatformClient}, closed after the test. */
  mockPlatformClient: MockPlatformClient;
  /** A `pending` deployment already stored in {@link UplinkFixtures.mockPlatformClient}. */
  sampleDeployment: Deployment;
  /** A `pending` `deploy` task for {@link UplinkFixtures.sampleDeployment}, stored in the mock. */
  sampleTask: SatelliteTask;
}

/**
 * vitest's `test` extended with the LUML fixtures:
 * ```ts
 * import { test } from '@uplink/testing/vitest';
 * test('acks the task', async ({ mockPlatformClient, sampleTask }) => { ... });
 * ```
 */
export const test = baseTest.extend<UplinkFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  fakePlatform: async ({}, use) => {
    const platform = await startFakeLumlPlatform();
    try {
      await use(platform);
    } finally {
      await platform.close();
    }
  },
  fakeSatellite: async ({ fakePlatform }, use) => {
    await use(fakePlatform.createSatellite({ name: 'fixture-satellite' }));
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from this pattern
  mockPlatformClient: async ({}, use) => {
    const mock = new MockPlatformClient();
    try {
      await use(mock);
    } finally {
      await mock.close();
    }
  },
  sampleDeployment: async ({ mockPlatformClient }, use) => {
    await use(mockPlatformClient.addDeployment());
  },
  sampleTask: async ({ mockPlatformClient, sampleDeployment }, use) => {
    await use(mockPlatformClient.addTask({ payload: { deployment_id: sampleDeployment.id } }));
  },
});

/** Alias of {@link test}. */
export const it = test;
