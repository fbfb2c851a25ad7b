import { silentLogger } from '@uplink/http';
import { PlatformClient } from '@uplink/platform-client';
import {
  type FakeLumlPlatform,
  type FaultInjectorOptions,
  startFakeLumlPlatform,
} from '@uplink/testing';
import { onTestFinished } from 'vitest';
import { type Handler, type SettingsOverrides, Worker, type WorkerOptions } from '../src/index.js';

/** The capability most tests declare. */
export const DEPLOY_CAPABILITY = {
  deploy: {
    version: 1,
    supported_variants: ['pyfunc'],
    supported_tags_combinations: null,
    extra_fields_form_spec: [],
  },
};

/** Start a fake platform with one satellite; closed when the test ends. */
export async function startPlatform(faults?: FaultInjectorOptions) {
  const platform = await startFakeLumlPlatform(faults ? { faults } : {});
  onTestFinished(() => platform.close());
  const { satellite, token } = platform.createSatellite({ name: 'edge-test' });
  return { platform, satellite, token };
}

/** Test settings: fast polling, health on 127.0.0.1 port 0. */
export function testSettings(
  platform: FakeLumlPlatform,
  token: string,
  extra: SettingsOverrides = {},
): SettingsOverrides {
  return {
    token,
    platformUrl: platform.url,
    publicUrl: 'http://127.0.0.1:9',
    pollIntervalMs: 10,
    pollBackoffMaxMs: 20,
    healthPort: 0,
    healthHost: '127.0.0.1',
    shutdownGraceMs: 5000,
    ...extra,
  };
}

/** A worker against the fake through a real PlatformClient; stopped when the test ends. */
export function createWorker(
  platform: FakeLumlPlatform,
  token: string,
  handlers: Handler[],
  options: Partial<WorkerOptions> & { settings?: SettingsOverrides } = {},
): Worker {
  const worker = new Worker({
    env: {},
    handlers,
    handleSignals: false,
    logger: silentLogger,
    client: new PlatformClient({ token, baseUrl: platform.url, retry: false }),
    outboxBackoff: { baseDelayMs: 2, maxDelayMs: 20 },
    pairBackoff: { baseDelayMs: 2, maxDelayMs: 20 },
    ...options,
    settings: testSettings(platform, token, options.settings),
  });
  onTestFinished(async () => {
    await worker.stop({ graceMs: 0 });
  });
  return worker;
}

/** A promise with its resolve function, for gating handlers. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Status updates the platform accepted for a task, in order. */
export function acceptedStatuses(platform: FakeLumlPlatform, taskId: string): unknown[] {
  return platform.requests
    .filter(
      (r) =>
        r.method === 'POST' &&
        r.path === `/satellites/v1/tasks/${taskId}/status` &&
        r.status === 200,
    )
    .map((r) => (r.body as { status: string }).status);
}
