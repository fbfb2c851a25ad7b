/**
 * `pnpm bench`: the @uplink/http benchmarks, each against a baseline measured in the same run
 * on the same loopback server, printed as ratios. Not part of the test run (vitest only
 * collects *.test.ts). Sizes are bounded so the whole run stays well under two minutes.
 */
import { fmt, startBenchServer } from './harness.js';
import { benchMemory } from './memory.js';
import { benchKyAlone, benchRequestOverhead } from './request-overhead.js';
import { benchSseThroughput } from './sse-throughput.js';

const { url, stop } = await startBenchServer();
const rows: string[][] = [];
const verdict = (ok: boolean) => (ok ? 'ok' : 'BELOW GOAL');
try {
  const t0 = performance.now();
  const sse = await benchSseThroughput(url);
  rows.push([
    'SSE throughput, 200k token events (events/s)',
    fmt(sse.a),
    fmt(sse.b),
    `${sse.ratio.toFixed(2)}x`,
    '>= 0.8x',
    verdict(sse.ratio >= 0.8),
  ]);
  const seq = await benchRequestOverhead(url, 1, 3000);
  rows.push([
    'Small JSON GET, 1 at a time (req/s)',
    fmt(seq.a),
    fmt(seq.b),
    `${seq.ratio.toFixed(2)}x`,
    '>= 0.9x',
    verdict(seq.ratio >= 0.9),
  ]);
  const par = await benchRequestOverhead(url, 32, 6000);
  rows.push([
    'Small JSON GET, 32 concurrent (req/s)',
    fmt(par.a),
    fmt(par.b),
    `${par.ratio.toFixed(2)}x`,
    '>= 0.9x',
    verdict(par.ratio >= 0.9),
  ]);
  const kySeq = await benchKyAlone(url, 1, 3000);
  rows.push([
    'reference: ky 2 alone, 1 at a time (req/s)',
    fmt(kySeq.a),
    fmt(kySeq.b),
    `${kySeq.ratio.toFixed(2)}x`,
    '-',
    'ceiling for a ky-based client',
  ]);
  const mem = await benchMemory(url);
  const mb = mem.growthBytes / (1024 * 1024);
  rows.push([
    `RSS growth over ${fmt(mem.events)} events (${fmt(mem.events / mem.seconds)} events/s)`,
    '-',
    `${mb.toFixed(1)} MB`,
    '-',
    '< 20 MB',
    verdict(mb < 20),
  ]);
  const header = ['benchmark', 'baseline', '@uplink/http', 'ratio', 'goal', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(
    `\n@uplink/http benchmarks (node ${process.versions.node}, baseline = raw fetch [+ eventsource-parser + JSON.parse])`,
  );
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  console.log(
    `\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s${mem.gcExposed ? '' : ' (run with --expose-gc for a steadier RSS baseline)'}`,
  );
} finally {
  stop();
}
