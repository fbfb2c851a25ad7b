/**
 * `pnpm bench` (here: `pnpm --filter @uplink/http bench [sse|requests|memory|import]...`): the
 * @uplink/http benchmarks, side by side with the libraries users would pick instead, on the same
 * bytes from one loopback server in its own process. Warm-up first, then medians of
 * `BENCH_ROUNDS` (at least 5) interleaved rounds; CPU per unit beside every wall rate. A full
 * run rewrites the bench block of the README and writes bench/results/http.json for
 * `pnpm bench:check`. Never run by vitest (it only collects *.test.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Report, startBenchServer } from '@uplink/bench';
import { importSuite, inMemoryRequestSuite, requestSuite, sseSuite } from './suites.js';

const only = new Set(process.argv.slice(2));
const wanted = (group: string): boolean => only.size === 0 || only.has(group);
const report = new Report('@uplink/http');
const server = await startBenchServer();
const run = promisify(execFile);

/** RSS growth over `n` events in a fresh process per path. */
async function memorySuite(url: string, n: number) {
  const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
  const rows: string[][] = [];
  const metrics: Record<string, number> = {};
  for (const [mode, label] of [
    ['raw', 'fetch + eventsource-parser + JSON.parse'],
    ['uplink', '**@uplink/http `streamSSE`**'],
  ] as const) {
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', child, url, String(n), mode],
      { timeout: 120_000 },
    );
    const result = JSON.parse(stdout) as { growthBytes: number; seconds: number };
    const mb = result.growthBytes / (1024 * 1024);
    metrics[`memory.${mode}.rssMB`] = Math.round(mb * 10) / 10;
    rows.push([label, `${mb.toFixed(1)} MB`, `${(n / result.seconds / 1000).toFixed(0)} k`]);
  }
  return {
    table: {
      title: `RSS growth over a ${n / 1e6}M-event stream (fresh process each, after warm-up and GC)`,
      columns: ['path', 'peak RSS growth', 'events/s'],
      rows,
    },
    metrics,
  };
}

try {
  if (wanted('sse')) {
    const { table, metrics } = await sseSuite(server.url, 200_000);
    report.add(table, metrics);
  }
  if (wanted('requests')) {
    for (const [n, concurrency] of [
      [1500, 1],
      [3000, 32],
    ] as const) {
      const { table, metrics } = await requestSuite(server.url, n, concurrency);
      report.add(table, metrics);
    }
    const inMemory = await inMemoryRequestSuite(20_000);
    // Our share: our own work (measured with the network out) over a whole ky request on
    // loopback (policies off, one at a time), the figure the request budget is about.
    const kyRequestUs = report.metrics['requests.kyOff.cpuUs'] as number;
    const share = inMemory.ourWorkUs / kyRequestUs;
    inMemory.table.notes = [
      `Our own work on top of ky: ${inMemory.ourWorkUs.toFixed(1)} µs per request, ${(share * 100).toFixed(1)}% of a ky request over loopback (${kyRequestUs.toFixed(0)} µs CPU, policies off).`,
    ];
    report.add(inMemory.table, {
      ...inMemory.metrics,
      'requests.ourWorkShare': Math.round(share * 1000) / 1000,
    });
  }
  if (wanted('memory')) {
    const { table, metrics } = await memorySuite(server.url, 1_000_000);
    report.add(table, metrics);
  }
  if (wanted('import')) {
    const { table, metrics } = await importSuite();
    report.add(table, metrics);
  }
  report.finish({
    command: 'pnpm bench',
    readme: only.size === 0 ? new URL('../README.md', import.meta.url) : undefined,
  });
} finally {
  server.stop();
}
