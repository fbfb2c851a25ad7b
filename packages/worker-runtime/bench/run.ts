// Worker runtime benchmarks (`pnpm --filter @uplink/worker-runtime bench`; never part of the
// tests). Each phase warms up once, then takes the median of UPLINK_BENCH_RUNS (default 5)
// runs, interleaving our code with its reference run by run so load changes on a shared
// machine hit both. Wall rates sit beside CPU time (user + system), which load distorts less.
// Every phase is bounded by a deadline. Prints Markdown tables for the package README.
//
//   UPLINK_BENCH_ONLY=backlog,download   phases to run (backlog, latency, concurrency, pickup, outbox, download)
//   UPLINK_BENCH_RUNS=5                  measured runs per figure
//   UPLINK_BENCH_BACKLOGS=100,1000,10000 backlog sizes at concurrency 1
//   UPLINK_BENCH_LATENCY_MS=2            latency the fake adds to each request in the latency phase
//   UPLINK_BENCH_DOWNLOAD_MIB=1024       download size
import { cpus, loadavg, release, totalmem } from 'node:os';
import { upstreamBacklog, workerBacklog } from './backlog.ts';
import { downloadRun, prepareArtifact } from './download.ts';
import { outboxCost } from './outbox-cost.ts';
import { pickupLatency } from './pickup.ts';
import { RemotePlatform } from './remote-platform.ts';
import { deadline, median, quantile, type Sample } from './stats.ts';

const env = process.env;
const phases = new Set(
  (env.UPLINK_BENCH_ONLY ?? 'backlog,latency,concurrency,pickup,outbox,download').split(','),
);
const runs = Math.max(1, Number(env.UPLINK_BENCH_RUNS ?? 5));
const backlogs = (env.UPLINK_BENCH_BACKLOGS ?? '100,1000,10000').split(',').map(Number);
const downloadMiB = Number(env.UPLINK_BENCH_DOWNLOAD_MIB ?? 1024);
const latencyMs = Number(env.UPLINK_BENCH_LATENCY_MS ?? 2);

const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : 'n/a';
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const table = (header: string[], rows: string[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/** Medians of a contender's samples. */
interface Summary {
  wallMs: number;
  cpuMs: number;
  platformCpuMs: number;
}

/** Median wall and CPU time of interleaved runs of each contender, after one warm-up each. */
async function compare<K extends string>(
  contenders: Record<K, () => Promise<Sample>>,
  warmUp: Record<K, () => Promise<Sample>>,
): Promise<Record<K, Summary>> {
  const keys = Object.keys(contenders) as K[];
  for (const key of keys) await warmUp[key]();
  const samples = Object.fromEntries(keys.map((k) => [k, [] as Sample[]])) as Record<K, Sample[]>;
  for (let r = 0; r < runs; r++) for (const key of keys) samples[key].push(await contenders[key]());
  return Object.fromEntries(
    keys.map((k) => [
      k,
      {
        wallMs: median(samples[k].map((s) => s.wallMs)),
        cpuMs: median(samples[k].map((s) => s.cpuMs)),
        platformCpuMs: median(samples[k].map((s) => s.platformCpuMs ?? Number.NaN)),
      },
    ]),
  ) as Record<K, Summary>;
}

const cpu = cpus()[0];
const out: string[] = [
  `Node ${process.version} on ${process.platform}/${process.arch}, ${cpu?.model ?? 'unknown CPU'} (${cpus().length} cores), ${fmt(totalmem() / 2 ** 30)} GiB RAM, kernel ${release()}. Load average (1/5/15 min) at start: ${load()}.`,
  `Median of ${runs} runs after one warm-up; contenders interleaved run by run. CPU = user + system time of the measuring process (the fake platform runs in its own process).`,
];
console.log(`${out.join('\n')}\n`);
const print = (section: string): void => {
  out.push(section);
  console.log(`${section}\n`);
};

await using remote = await RemotePlatform.start();

if (phases.has('backlog')) {
  const rows: string[][] = [];
  for (const size of backlogs) {
    const result = await compare(
      {
        worker: () => workerBacklog(remote, size, 1),
        upstream: () => upstreamBacklog(remote, size),
      },
      {
        worker: () => workerBacklog(remote, Math.min(size, 200), 1),
        upstream: () => upstreamBacklog(remote, Math.min(size, 200)),
      },
    );
    const rate = (s: { wallMs: number }) => size / (s.wallMs / 1000);
    const cpuPerTask = (s: { cpuMs: number }) => s.cpuMs / size;
    const platformPerTask = (s: { platformCpuMs: number }) => s.platformCpuMs / size;
    rows.push([
      fmt(size),
      fmt(rate(result.worker)),
      fmt(cpuPerTask(result.worker), 2),
      fmt(rate(result.upstream)),
      fmt(cpuPerTask(result.upstream), 2),
      `${fmt(rate(result.worker) / rate(result.upstream), 2)}×`,
      `${fmt(cpuPerTask(result.upstream) / cpuPerTask(result.worker), 2)}×`,
      `${fmt(platformPerTask(result.worker), 2)} / ${fmt(platformPerTask(result.upstream), 2)}`,
    ]);
    console.log(`  backlog ${size} done (load ${load()})`);
  }
  print(
    `**Backlog of no-op tasks at concurrency 1** (Worker vs a loop shaped like the upstream satellite: list pending once, then post \`running\`, run, post \`done\` for each task in turn; both through \`PlatformClient\` over HTTP to the fake platform)\n\n${table(
      [
        'backlog',
        'Worker tasks/s',
        'Worker CPU ms/task',
        'upstream-shaped tasks/s',
        'upstream-shaped CPU ms/task',
        'wall ratio',
        'CPU ratio',
        'platform CPU ms/task (Worker / upstream-shaped runs)',
      ],
      rows,
    )}\n\nRatios: Worker over the reference (throughput; reference CPU per task over the Worker's). Above 1 means the Worker is ahead. Platform CPU is the fake platform's process over the same span.`,
  );
}

if (phases.has('latency')) {
  const size = 1000;
  const result = await compare(
    {
      worker: () => workerBacklog(remote, size, 1, latencyMs),
      upstream: () => upstreamBacklog(remote, size, latencyMs),
    },
    {
      worker: () => workerBacklog(remote, 100, 1, latencyMs),
      upstream: () => upstreamBacklog(remote, 100, latencyMs),
    },
  );
  const rate = (s: { wallMs: number }) => size / (s.wallMs / 1000);
  print(
    `**The same backlog one network hop away** (${fmt(size)} tasks, concurrency 1, the fake delaying every request by ${latencyMs} ms): Worker ${fmt(rate(result.worker))} tasks/s (${fmt(result.worker.cpuMs / size, 2)} CPU ms/task), upstream-shaped loop ${fmt(rate(result.upstream))} tasks/s (${fmt(result.upstream.cpuMs / size, 2)} CPU ms/task): ${fmt(rate(result.worker) / rate(result.upstream), 2)}× (the Worker's status posts overlap; the loop waits for each answer).`,
  );
}

if (phases.has('concurrency')) {
  const size = 1000;
  const result = await compare(
    { worker: () => workerBacklog(remote, size, 16) },
    { worker: () => workerBacklog(remote, 200, 16) },
  );
  print(
    `**Concurrency 16**: ${fmt(size / (result.worker.wallMs / 1000))} no-op tasks/s, ${fmt(result.worker.cpuMs / size, 2)} CPU ms per task (backlog of ${fmt(size)}).`,
  );
}

if (phases.has('pickup')) {
  const lines: string[] = [];
  for (const [interval, samples] of [
    [100, 30],
    [2000, 8],
  ] as const) {
    const latencies = await deadline(pickupLatency(interval, samples), 120_000, 'pickup');
    lines.push(
      `- poll interval ${interval} ms: p50 ${fmt(quantile(latencies, 0.5), 1)} ms, p95 ${fmt(quantile(latencies, 0.95), 1)} ms, max ${fmt(Math.max(...latencies), 1)} ms (${samples} samples)`,
    );
  }
  print(
    `**Pickup latency** (task created → handler started, fake platform in process)\n\n${lines.join('\n')}`,
  );
}

if (phases.has('outbox')) {
  const lines: string[] = [];
  for (const fsync of [false, true]) {
    const ms = await deadline(outboxCost(fsync, 500), 120_000, 'outbox');
    lines.push(
      `- file store, fsync ${fsync ? 'on' : 'off'}: ${fmt(ms, 3)} ms per status update (add + ack, 500 updates)`,
    );
  }
  print(`**Outbox cost**\n\n${lines.join('\n')}`);
}

if (phases.has('download')) {
  const artifact = await prepareArtifact(remote, downloadMiB);
  const timeoutMs = 300_000;
  const samples: Awaited<ReturnType<typeof downloadRun>>[] = [];
  await deadline(downloadRun(artifact, timeoutMs), timeoutMs * 3, 'download warm-up');
  for (let r = 0; r < runs; r++) {
    samples.push(await deadline(downloadRun(artifact, timeoutMs), timeoutMs * 3, 'download'));
  }
  const pick = (key: 'ours' | 'curl' | 'curlSha256') => {
    const list = samples.flatMap((s) => (s[key] ? [s[key]] : []));
    return list.length === 0
      ? undefined
      : {
          wallMs: median(list.map((s) => s.wallMs)),
          cpuMs: median(list.map((s) => s.cpuMs)),
          maxRssKiB: Math.max(...list.map((s) => s.maxRssKiB)),
        };
  };
  const ours = pick('ours');
  const references = { curl: pick('curl'), curlSha256: pick('curlSha256') };
  const mibps = (s: { wallMs: number }) => downloadMiB / (s.wallMs / 1000);
  const cpuPerGiB = (s: { cpuMs: number }) => ((s.cpuMs / downloadMiB) * 1024) / 1000;
  const row = (name: string, s: NonNullable<typeof ours>): string[] => [
    name,
    fmt(mibps(s)),
    fmt(cpuPerGiB(s), 2),
    fmt(s.maxRssKiB / 1024),
    ours ? `${fmt(mibps(ours) / mibps(s), 2)}×` : 'n/a',
    ours ? `${fmt(s.cpuMs / ours.cpuMs, 2)}×` : 'n/a',
  ];
  const rows: string[][] = [];
  if (ours) rows.push(row('`downloadFile` (always hashes)', ours));
  if (references.curl) rows.push(row('curl', references.curl));
  if (references.curlSha256)
    rows.push(row('curl, then openssl dgst -sha256', references.curlSha256));
  print(
    `**Download of ${fmt(downloadMiB)} MiB** from the fake platform's presigned URL over loopback, to a file in the temporary directory\n\n${table(
      [
        '',
        'MiB/s',
        'CPU s/GiB',
        'peak RSS MiB',
        '`downloadFile` wall ratio',
        '`downloadFile` CPU ratio',
      ],
      rows,
    )}\n\nPeak RSS is that of the whole process (\`downloadFile\` runs in plain \`node\` on the built package, Node and its own start-up included). Ratios: \`downloadFile\`'s rate over the row's, and the row's CPU time over \`downloadFile\`'s; above 1 means \`downloadFile\` is ahead.`,
  );
}

console.log(`Load average at end: ${load()}.`);
