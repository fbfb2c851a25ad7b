// Pickup latency: time from a task's creation to its handler starting, at a random phase of
// the poll cycle (as real task creation has), with the fake platform in this process.
import { silentLogger } from '@uplink/http';
import { PlatformClient } from '@uplink/platform-client';
import { startFakeLumlPlatform } from '@uplink/testing';
import { defineHandler, Worker } from '../src/index.ts';
import { capability } from './backlog.ts';

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: over ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export async function pickupLatency(pollIntervalMs: number, samples: number): Promise<number[]> {
  await using platform = await startFakeLumlPlatform();
  const { satellite, token } = platform.createSatellite({ name: 'bench' });
  const startedAt = new Map<string, number>();
  const finished = new Set<string>();
  const client = new PlatformClient({ token, platformUrl: platform.url });
  const worker = new Worker({
    env: {},
    handleSignals: false,
    client,
    logger: silentLogger,
    settings: { token, platformUrl: platform.url, healthEnabled: false, pollIntervalMs },
    handlers: [
      defineHandler('deploy', {
        capability,
        run: (ctx) => {
          finished.add(ctx.task.id);
          return {};
        },
      }),
    ],
    onHandlerStart: (task) => startedAt.set(task.id, performance.now()),
  });
  try {
    await worker.start();
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * pollIntervalMs));
      const created = performance.now();
      const task = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
      await waitUntil(() => finished.has(task.id), pollIntervalMs * 5 + 5000, 'pickup');
      latencies.push((startedAt.get(task.id) as number) - created);
    }
    return latencies;
  } finally {
    await worker.stop({ graceMs: 1000 });
    await client.close();
  }
}
