// Terminal output for the demo: a download progress bar on a TTY (plain lines elsewhere), streamed
// tokens, and the closing summary table.
import type { Writable } from 'node:stream';

/** Formats a byte count as KiB/MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A progress bar that redraws in place on a TTY and prints only its final line elsewhere. */
export function createProgressBar(out: Writable & { isTTY?: boolean }, label: string) {
  let last = '';
  return {
    update(bytes: number, total?: number) {
      const fraction = total ? Math.min(1, bytes / total) : 0;
      const width = 24;
      const filled = Math.round(fraction * width);
      last = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${formatBytes(bytes)}${total ? ` / ${formatBytes(total)}` : ''}`;
      if (out.isTTY) out.write(`\r${last}`);
    },
    done() {
      out.write(out.isTTY ? '\n' : `${last}\n`);
    },
  };
}

/** One row of the summary. */
export interface SummaryRow {
  step: string;
  result: string;
  ms: number;
}

/** Render the summary table (plain ASCII so it survives any terminal and log file). */
export function renderSummary(rows: SummaryRow[]): string {
  const headers = ['#', 'step', 'result', 'time'];
  const body = rows.map((row, i) => [
    String(i + 1),
    row.step,
    row.result,
    `${row.ms.toFixed(0)} ms`,
  ]);
  const widths = headers.map((h, col) => Math.max(h.length, ...body.map((r) => r[col]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, col) => (col === 3 ? c.padStart(widths[col]!) : c.padEnd(widths[col]!))).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  return [rule, line(headers), rule, ...body.map(line), rule, `total ${total.toFixed(0)} ms`].join(
    '\n',
  );
}

/** Time an async step. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}
