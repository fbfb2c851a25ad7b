// Worker runtime benchmarks (`pnpm bench`): end-to-end no-op task throughput at concurrency 1
// and 16, pickup latency (task created → handler started), the cost of the file outbox with and
// without fsync, and a 512 MiB download against curl with peak RSS. Every phase is bounded by a
// deadline.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformClient } from '@uplink/platform-client';
import { startFakeLumlPlatform } from '@uplink/testing';
import { defineHandler, FileOutboxStore, tempDirectory, Worker } from '../src/index.ts';

const capability = {
  deploy: {
    version: 1,
    supported_variants: ['noop'],
    supported_tags_combinations: null,
    extra_fields_form_spec: [],
  },
};
const deadline = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_r, reject) =>
      setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms).unref(),
    ),
  ]);

async function withWorker<T>(
  options: {
    concurrency: number;
    pollIntervalMs: number;
    onHandlerStart?: (taskId: string) => void;
  },
  body: (ctx: {
    platform: Awaited<ReturnType<typeof startFakeLumlPlatform>>;
    satelliteId: string;
    worker: Worker;
  }) => Promise<T>,
): Promise<T> {
  const platform = await startFakeLumlPlatform();
  const { satellite, token } = platform.createSatellite({ name: 'bench' });
  const worker = new Worker({
    env: {},
    handleSignals: false,
    client: new PlatformClient({ token, platformUrl: platform.url }),
    settings: {
      token,
      platformUrl: platform.url,
      healthEnabled: false,
      concurrency: options.concurrency,
      pollIntervalMs: options.pollIntervalMs,
    },
    handlers: [defineHandler('deploy', { capability, run: () => ({}) })],
    onHandlerStart: (task) => options.onHandlerStart?.(task.id),
  });
  try {
    return await body({ platform, satelliteId: satellite.id, worker });
  } finally {
    await worker.stop({ graceMs: 1000 });
    await platform.close();
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: over ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function throughput(concurrency: number, tasks: number): Promise<number> {
  return withWorker(
    { concurrency, pollIntervalMs: 10 },
    async ({ platform, satelliteId, worker }) => {
      for (let i = 0; i < tasks; i++)
        platform.enqueueTask({ satelliteId, type: 'deploy', payload: {} });
      const started = performance.now();
      await worker.start();
      let done = 0;
      await waitUntil(
        () => {
          done = 0;
          for (const t of platform.tasks) if (t.status === 'done') done++;
          return done === tasks;
        },
        60_000,
        `throughput c=${concurrency}`,
      );
      return tasks / ((performance.now() - started) / 1000);
    },
  );
}

async function pickupLatency(pollIntervalMs: number, samples: number): Promise<number[]> {
  const startedAt = new Map<string, number>();
  return withWorker(
    {
      concurrency: 1,
      pollIntervalMs,
      onHandlerStart: (id) => startedAt.set(id, performance.now()),
    },
    async ({ platform, satelliteId, worker }) => {
      await worker.start();
      const latencies: number[] = [];
      for (let i = 0; i < samples; i++) {
        // A random phase relative to the poll cycle, as real task creation has.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * pollIntervalMs));
        const created = performance.now();
        const task = platform.enqueueTask({ satelliteId, type: 'deploy', payload: {} });
        await waitUntil(() => startedAt.has(task.id), pollIntervalMs * 5 + 5000, 'pickup');
        latencies.push((startedAt.get(task.id) as number) - created);
        await waitUntil(
          () => platform.tasks.find((t) => t.id === task.id)?.status === 'done',
          5000,
          'done',
        );
      }
      return latencies;
    },
  );
}

function timed(
  command: string,
  args: string[],
): Promise<{ stdout: string; maxRssKiB: number; elapsedS: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %M %e', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const match = /TIME (\d+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !match)
        return reject(new Error(`${command} failed (${code}): ${stderr.slice(-500)}`));
      resolve({ stdout, maxRssKiB: Number(match[1]), elapsedS: Number(match[2]) });
    });
  });
}

async function download(sizeMiB: number) {
  const platform = await startFakeLumlPlatform();
  await using dir = await tempDirectory({ prefix: 'uplink-bench-' });
  try {
    const bytes = Buffer.alloc(sizeMiB * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const artifact = platform.uploadArtifact({ bytes, fileName: 'big.bin' });
    const url = platform.artifactDownloadUrl(artifact.id);
    const ours = await timed(process.execPath, [
      '--import',
      'tsx',
      join(import.meta.dirname, 'download-child.ts'),
      url,
      join(dir.path, 'ours.bin'),
      sha256,
    ]);
    const parsed = JSON.parse(ours.stdout.trim().split('\n').at(-1) as string) as {
      seconds: number;
      bytes: number;
    };
    if (parsed.bytes !== bytes.length) throw new Error('downloadFile wrote the wrong size');
    await rm(join(dir.path, 'ours.bin'));
    const hasCurl = existsSync('/usr/bin/curl') || existsSync('/bin/curl');
    const curl = hasCurl
      ? await timed('curl', ['-sS', '-o', join(dir.path, 'curl.bin'), url])
      : undefined;
    await rm(join(dir.path, 'curl.bin'), { force: true });
    // The like-for-like reference (download, then verify), hashing with OpenSSL like Node does
    // (coreutils' sha256sum may lack SHA-NI and be several times slower).
    const curlHashed =
      hasCurl && existsSync('/usr/bin/openssl')
        ? await timed('sh', [
            '-c',
            'curl -sS -o "$2" "$1" && openssl dgst -sha256 "$2" > "$2.sha"',
            'sh',
            url,
            join(dir.path, 'curl-hashed.bin'),
          ])
        : undefined;
    return { sizeMiB, ours: { ...ours, seconds: parsed.seconds }, curl, curlHashed };
  } finally {
    await platform.close();
  }
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** Mean cost of one outbox update (an `add` then its `ack`, as a delivered update costs), in ms. */
async function outboxCost(fsync: boolean, updates: number): Promise<number> {
  await using dir = await tempDirectory({ prefix: 'uplink-bench-outbox-' });
  const store = new FileOutboxStore(dir.path, { fsync });
  await store.load();
  const started = performance.now();
  for (let i = 0; i < updates; i++) {
    const id = `e${i}`;
    await store.add({ id, taskId: 't', status: 'done', result: { i }, enqueuedAt: i });
    await store.remove(id);
  }
  const ms = (performance.now() - started) / updates;
  await store.close();
  return ms;
}

console.log(
  `worker-runtime benchmarks (node ${process.version}, ${process.platform}/${process.arch})\n`,
);
const only = process.env.UPLINK_BENCH_ONLY; // 'throughput' | 'pickup' | 'outbox' | 'download'
for (const [concurrency, tasks] of [
  [1, 300],
  [16, 1000],
] as const) {
  if (only && only !== 'throughput') break;
  const rate = await deadline(throughput(concurrency, tasks), 90_000, 'throughput');
  console.log(
    `throughput  concurrency ${String(concurrency).padStart(2)}: ${rate.toFixed(0)} no-op tasks/s end to end (${tasks} tasks, real HTTP to the fake)`,
  );
}
for (const [interval, samples] of [
  [100, 30],
  [2000, 8],
] as const) {
  if (only && only !== 'pickup') break;
  const latencies = await deadline(pickupLatency(interval, samples), 120_000, 'pickup');
  console.log(
    `pickup latency, poll interval ${interval} ms: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p95 ${quantile(latencies, 0.95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (${samples} samples)`,
  );
}
if (!only || only === 'outbox') {
  for (const fsync of [false, true]) {
    const ms = await deadline(outboxCost(fsync, 500), 120_000, 'outbox');
    console.log(
      `outbox file store, fsync ${fsync ? 'on ' : 'off'}: ${ms.toFixed(3)} ms per status update (add + ack, 500 updates)`,
    );
  }
}
if (only && only !== 'download') process.exit(0);
// Two sizes: peak RSS that does not grow with the file shows nothing is held in memory.
const sizes = process.env.UPLINK_BENCH_DOWNLOAD_MIB
  ? [Number(process.env.UPLINK_BENCH_DOWNLOAD_MIB)]
  : [64, 512];
for (const size of sizes) {
  const dl = await deadline(download(size), 300_000, 'download');
  const mib = (s: number) => (dl.sizeMiB / s).toFixed(0);
  console.log(
    `download ${String(dl.sizeMiB).padStart(3)} MiB: downloadFile (+sha256) ${mib(dl.ours.seconds)} MiB/s, peak RSS ${(dl.ours.maxRssKiB / 1024).toFixed(0)} MiB (whole process: Node + tsx + runtime)`,
  );
  if (dl.curl) {
    console.log(
      `download ${String(dl.sizeMiB).padStart(3)} MiB: curl ${mib(dl.curl.elapsedS)} MiB/s, peak RSS ${(dl.curl.maxRssKiB / 1024).toFixed(0)} MiB`,
    );
  }
  if (dl.curlHashed) {
    console.log(
      `download ${String(dl.sizeMiB).padStart(3)} MiB: curl then openssl sha256 ${mib(dl.curlHashed.elapsedS)} MiB/s (the same work as downloadFile with sha256)`,
    );
  }
}
