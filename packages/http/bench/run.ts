/**
 * `pnpm bench`: the @uplink/http benchmarks, each against a baseline measured in the same run
 * on the same loopback server, printed as ratios. Not part of the test run (vitest only
 * collects *.test.ts). Sizes are bounded so the whole run stays well under two minutes.
 */
import { fmt, startBenchServer } from './harness.js';
import { benchMemory } from './memory.js';
import { benchKyAlone, benchRequestOverhead } from './request-overhead.js';
import { benchSseThroughput } from './sse-throughput.js';

/** `pnpm bench [sse|requests|memory]...` runs only the named groups (all when none is given). */
const only = new Set(process.argv.slice(2));
const wanted = (group: string): boolean => only.size === 0 || only.has(group);
/** Rounds per comparison (the median is reported); `BENCH_ROUNDS=9` for a steadier figure. */
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const { url, stop } = await startBenchServer();
const rows: string[][] = [];
const verdict = (ok: boolean) => (ok ? 'ok' : 'BELOW GOAL');
try {
  const t0 = performance.now();
  const sse = wanted('sse') ? await benchSseThroughput(url, 200_000, rounds) : undefined;
  if (sse)
    rows.push([
      'SSE throughput, 200k token events (events/s)',
      fmt(sse.a),
      fmt(sse.b),
      `${sse.ratio.toFixed(2)}x`,
      `${sse.cpuRatio.toFixed(2)}x`,
      '>= 0.8x',
      verdict(sse.ratio >= 0.8),
    ]);
  const requests = wanted('requests');
  const seq = requests ? await benchRequestOverhead(url, 1, 3000, rounds) : undefined;
  if (seq)
    rows.push([
      'Small JSON GET, 1 at a time (req/s)',
      fmt(seq.a),
      fmt(seq.b),
      `${seq.ratio.toFixed(2)}x`,
      `${seq.cpuRatio.toFixed(2)}x`,
      '>= 0.9x',
      verdict(seq.ratio >= 0.9),
    ]);
  const par = requests ? await benchRequestOverhead(url, 32, 6000, rounds) : undefined;
  if (par)
    rows.push([
      'Small JSON GET, 32 concurrent (req/s)',
      fmt(par.a),
      fmt(par.b),
      `${par.ratio.toFixed(2)}x`,
      `${par.cpuRatio.toFixed(2)}x`,
      '>= 0.9x',
      verdict(par.ratio >= 0.9),
    ]);
  const kySeq = requests ? await benchKyAlone(url, 1, 3000, rounds) : undefined;
  if (kySeq)
    rows.push([
      'reference: ky 2 alone, 1 at a time (req/s)',
      fmt(kySeq.a),
      fmt(kySeq.b),
      `${kySeq.ratio.toFixed(2)}x`,
      `${kySeq.cpuRatio.toFixed(2)}x`,
      '-',
      'ceiling for a ky-based client',
    ]);
  const mem = wanted('memory') ? await benchMemory(url) : undefined;
  const mb = (mem?.growthBytes ?? 0) / (1024 * 1024);
  if (mem)
    rows.push([
      `RSS growth over ${fmt(mem.events)} events (${fmt(mem.events / mem.seconds)} events/s)`,
      '-',
      `${mb.toFixed(1)} MB`,
      '-',
      '-',
      '< 20 MB',
      verdict(mb < 20),
    ]);
  const header = ['benchmark', 'baseline', '@uplink/http', 'ratio', 'CPU ratio', 'goal', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(
    `\n@uplink/http benchmarks (node ${process.versions.node}, baseline = raw fetch [+ eventsource-parser + JSON.parse])`,
  );
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  console.log(
    `\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s${!mem || mem.gcExposed ? '' : ' (run with --expose-gc for a steadier RSS baseline)'}`,
  );
} finally {
  stop();
}
