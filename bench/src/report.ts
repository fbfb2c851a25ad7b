// The reporting half of the shared bench harness: tables on the console, the same tables as a
// marked block in a package README, and the figures as JSON for `pnpm bench:check`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Measured, median, type Sample } from './harness.js';

/** A table: a title, column names, rows of cells, and notes printed under it. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  notes?: string[] | undefined;
}

/** Where results are written (git-ignored): one `<package>.json` per package's bench. */
export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** Marks of the block a bench rewrites in a README. */
export const BLOCK_START = '<!-- bench:start -->';
export const BLOCK_END = '<!-- bench:end -->';

/** `1234567` -> `1.23 M`; short and aligned for tables. */
export function fmtRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(1);
}

export const fmtRatio = (n: number): string => `${n.toFixed(2)}×`;

/**
 * A side-by-side speed table: each contender's wall rate and CPU per unit, each as a ratio to
 * the baseline's (1.00 = as fast as the baseline, higher is faster), and how noisy its rounds
 * were. Also returns the ratios as metrics `<suite>.<id>.wall` and `<suite>.<id>.cpu`.
 */
export function speedTable(
  suite: string,
  title: string,
  unit: string,
  measured: readonly Measured[],
  baselineId: string,
  notes?: string[],
): { table: Table; metrics: Record<string, number> } {
  const base = measured.find((m) => m.id === baselineId);
  if (!base) throw new Error(`no baseline ${baselineId} in ${suite}`);
  const metrics: Record<string, number> = {};
  const rows = measured.map((m) => {
    // Ratios are the median of per-round ratios (each contender against the baseline's run
    // in the same round), so slow drifts in the machine's load cancel out.
    const wall = pairedMedian(
      base.samples,
      m.samples,
      (b, x) => x.units / x.wallMs / (b.units / b.wallMs),
    );
    const cpu = pairedMedian(
      base.samples,
      m.samples,
      (b, x) => b.cpuMs / b.units / (x.cpuMs / x.units),
    );
    metrics[`${suite}.${m.id}.wall`] = round(wall);
    metrics[`${suite}.${m.id}.cpu`] = round(cpu);
    metrics[`${suite}.${m.id}.cpuUs`] = round(m.cpuUsPerUnit);
    return [
      m.label,
      fmtRate(m.rate),
      fmtRatio(wall),
      m.cpuUsPerUnit.toFixed(m.cpuUsPerUnit < 10 ? 2 : 1),
      fmtRatio(cpu),
      `${Math.round(m.spread * 100)}%`,
    ];
  });
  return {
    table: {
      title,
      columns: [
        'library',
        `${unit}/s`,
        'vs baseline (wall)',
        `CPU µs/${unit.replace(/s$/, '')}`,
        'vs baseline (CPU)',
        'spread',
      ],
      rows,
      notes,
    },
    metrics,
  };
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Median over rounds of `ratio(baseline's sample, contender's sample)` from the same round. */
export function pairedMedian(
  base: readonly Sample[],
  other: readonly Sample[],
  ratio: (base: Sample, other: Sample) => number,
): number {
  return median(base.map((b, r) => ratio(b, other[r] as Sample)));
}

/** The machine and its load, for the line under every table. */
export function machineNote(loadAtStart: number): string {
  const cores = cpus();
  const model = (cores[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const date = new Date().toISOString().slice(0, 10);
  return `${date}, ${cores.length} × ${model}, Node ${process.versions.node}, load average ${loadAtStart.toFixed(1)} at start and ${loadavg()[0]?.toFixed(1)} at end (the machine is shared: read the CPU columns first)`;
}

/** Console text of a table. */
export function renderText(table: Table): string {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  return [
    `\n${table.title}`,
    line(table.columns),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...table.rows.map(line),
    ...(table.notes ?? []).map((n) => `  ${n}`),
  ].join('\n');
}

/** Markdown of a table. */
export function renderMarkdown(table: Table): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    `**${table.title}**`,
    '',
    row(table.columns),
    row(table.columns.map(() => '---')),
    ...table.rows.map(row),
    ...(table.notes?.length ? ['', ...table.notes] : []),
  ].join('\n');
}

/** Replace the text between the bench marks in `markdown`; throws when the marks are missing. */
export function replaceBlock(markdown: string, block: string): string {
  const start = markdown.indexOf(BLOCK_START);
  const end = markdown.indexOf(BLOCK_END);
  if (start === -1 || end < start) {
    throw new Error(`the README has no ${BLOCK_START} … ${BLOCK_END} block to rewrite`);
  }
  return `${markdown.slice(0, start + BLOCK_START.length)}\n${block}\n${markdown.slice(end)}`;
}

/** Collects one package's tables and metrics; prints, saves JSON, and rewrites its README. */
export class Report {
  readonly tables: Table[] = [];
  readonly metrics: Record<string, number> = {};
  readonly #loadAtStart = loadavg()[0] ?? 0;
  readonly #started = performance.now();

  constructor(readonly packageName: string) {}

  add(table: Table, metrics: Record<string, number> = {}): void {
    this.tables.push(table);
    Object.assign(this.metrics, metrics);
    console.log(renderText(table));
  }

  /**
   * Print the machine line, write `bench/results/<package>.json`, and, when `readme` is given
   * and `BENCH_README` is not `0`, rewrite its bench block with every table.
   */
  finish(options: { readme?: URL | undefined; command: string }): void {
    const machine = machineNote(this.#loadAtStart);
    const seconds = (performance.now() - this.#started) / 1000;
    console.log(`\n${machine}; ${seconds.toFixed(0)} s`);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      `${resultsDir}${this.packageName.replace(/^@uplink\//, '')}.json`,
      `${JSON.stringify({ package: this.packageName, machine, metrics: this.metrics }, null, 2)}\n`,
    );
    if (options.readme && process.env.BENCH_README !== '0') {
      const path = fileURLToPath(options.readme);
      const block = [
        `Generated by \`${options.command}\` (medians of at least ${process.env.BENCH_ROUNDS ?? 5} interleaved rounds after warm-up; ${machine}).`,
        '',
        ...this.tables.flatMap((t) => [renderMarkdown(t), '']),
      ].join('\n');
      writeFileSync(path, replaceBlock(readFileSync(path, 'utf8'), block.trimEnd()));
      console.log(`rewrote the bench block in ${path}`);
    }
  }
}
