// The fake LUML platform in its own process, driven over IPC, so the benchmark process holds
// only the worker (or the reference loop) and its CPU time is the client's alone.
// Requests: {id, cmd, ...args}; answers: {id, result} or {id, error}.
import { createHash } from 'node:crypto';
import { type FakeLumlPlatform, startFakeLumlPlatform } from '@uplink/testing';

export type PlatformCommand =
  | { cmd: 'reset'; latencyMs?: number | undefined }
  | { cmd: 'createSatellite' }
  | { cmd: 'enqueue'; satelliteId: string; count: number }
  | { cmd: 'waitDone'; count: number; timeoutMs: number }
  | { cmd: 'uploadArtifact'; sizeMiB: number }
  | { cmd: 'cpu' }
  | { cmd: 'close' };

let platform: FakeLumlPlatform | undefined;
let scanned = 0;
let done = 0;

/** Done updates the platform accepted since the last reset (counted from its request log). */
function countDone(current: FakeLumlPlatform): number {
  const { requests } = current;
  while (scanned < requests.length) {
    const record = requests[scanned];
    if (record?.status === undefined) break;
    const body = record.body as { status?: unknown } | undefined;
    if (record.route === 'POST /satellites/v1/tasks/{task_id}/status' && record.status === 200) {
      if (body?.status === 'done') done++;
    }
    scanned++;
  }
  return done;
}

async function handle(message: PlatformCommand): Promise<unknown> {
  switch (message.cmd) {
    case 'reset': {
      await platform?.close();
      // Optional latency before every request: a platform one network hop away.
      platform = await startFakeLumlPlatform(
        message.latencyMs
          ? { faults: { global: { latency: 1, latencyMs: message.latencyMs } } }
          : {},
      );
      scanned = 0;
      done = 0;
      return { url: platform.url };
    }
    case 'createSatellite': {
      const { satellite, token } = required().createSatellite({ name: 'bench' });
      return { satelliteId: satellite.id, token };
    }
    case 'enqueue': {
      const current = required();
      // Distinct, increasing scheduled_at values, as a platform creating them one by one would.
      const base = Date.now() - message.count;
      for (let i = 0; i < message.count; i++) {
        current.enqueueTask({
          satelliteId: message.satelliteId,
          type: 'deploy',
          payload: {},
          scheduledAt: new Date(base + i).toISOString(),
        });
      }
      return { count: message.count };
    }
    case 'waitDone': {
      const current = required();
      const started = performance.now();
      while (countDone(current) < message.count) {
        if (performance.now() - started > message.timeoutMs) {
          throw new Error(
            `waitDone: ${done} of ${message.count} done after ${message.timeoutMs} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return { done };
    }
    case 'uploadArtifact': {
      const bytes = Buffer.alloc(message.sizeMiB * 1024 * 1024);
      for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const current = required();
      const artifact = current.uploadArtifact({ bytes, fileName: 'big.bin' });
      return { url: current.artifactDownloadUrl(artifact.id), sha256, bytes: bytes.length };
    }
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { cpuMs: (user + system) / 1000 };
    }
    case 'close': {
      await platform?.close();
      platform = undefined;
      setImmediate(() => process.exit(0));
      return {};
    }
  }
}

function required(): FakeLumlPlatform {
  if (!platform) throw new Error('send reset first');
  return platform;
}

process.on('message', (message: PlatformCommand & { id: number }) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
