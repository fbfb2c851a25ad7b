// Backlog throughput: N pending no-op tasks, drained by the Worker or by the upstream-shaped
// loop, both through PlatformClient over real HTTP to the fake platform (in another process).
import { silentLogger } from '@uplink/http';
import { PlatformClient } from '@uplink/platform-client';
import { defineHandler, Worker } from '../src/index.ts';
import type { RemotePlatform } from './remote-platform.ts';
import { deadline, measure, type Sample } from './stats.ts';
import { upstreamTick } from './upstream-loop.ts';

export const capability = {
  deploy: {
    version: 1,
    supported_variants: ['noop'],
    supported_tags_combinations: null,
    extra_fields_form_spec: [],
  },
};
const noop = (): Record<string, unknown> => ({});

/** Time for the Worker to start (pair, recovery listing) and drive `tasks` to `done`. */
export async function workerBacklog(
  remote: RemotePlatform,
  tasks: number,
  concurrency: number,
  latencyMs?: number,
): Promise<Sample> {
  const { url, satelliteId, token } = await remote.fresh(latencyMs);
  await remote.call({ cmd: 'enqueue', satelliteId, count: tasks });
  const client = new PlatformClient({ token, platformUrl: url });
  const worker = new Worker({
    env: {},
    handleSignals: false,
    client,
    // Like the reference loop, no logging (the default logger writes two lines per task).
    logger: silentLogger,
    settings: { token, platformUrl: url, healthEnabled: false, concurrency, pollIntervalMs: 50 },
    handlers: [defineHandler('deploy', { capability, run: () => ({}) })],
  });
  try {
    const platformCpu = await remote.cpuMs();
    const sample = await measure(async () => {
      await worker.start();
      await deadline(
        remote.call({ cmd: 'waitDone', count: tasks, timeoutMs: 600_000 }),
        610_000,
        `worker backlog ${tasks}`,
      );
    });
    return { ...sample, platformCpuMs: (await remote.cpuMs()) - platformCpu };
  } finally {
    await worker.stop({ graceMs: 1000 });
    await client.close();
  }
}

/** Time for the upstream-shaped loop to pair, list once and run every task in turn. */
export async function upstreamBacklog(
  remote: RemotePlatform,
  tasks: number,
  latencyMs?: number,
): Promise<Sample> {
  const { url, satelliteId, token } = await remote.fresh(latencyMs);
  await remote.call({ cmd: 'enqueue', satelliteId, count: tasks });
  const client = new PlatformClient({ token, platformUrl: url });
  try {
    const platformCpu = await remote.cpuMs();
    const sample = await measure(async () => {
      await client.pair({ baseUrl: 'http://127.0.0.1:8000', capabilities: capability });
      const ran = await deadline(upstreamTick(client, noop), 600_000, `upstream backlog ${tasks}`);
      if (ran !== tasks) throw new Error(`the upstream loop ran ${ran} of ${tasks} tasks`);
      await remote.call({ cmd: 'waitDone', count: tasks, timeoutMs: 10_000 });
    });
    return { ...sample, platformCpuMs: (await remote.cpuMs()) - platformCpu };
  } finally {
    await client.close();
  }
}
