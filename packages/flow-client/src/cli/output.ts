import type { ExecutionContext } from '@uplink/core-schemas/ai-spine';

/** Where the CLI writes: `process.stdout`/`process.stderr`, or a capture in tests. */
export interface OutputStream {
  write(text: string): unknown;
  /** True when the stream is a terminal: enables the live status line. */
  isTTY?: boolean | undefined;
}

/** Print a value: compact JSON with `--json`, otherwise indented JSON. */
export function printValue(out: OutputStream, value: unknown, json: boolean): undefined {
  out.write(`${json ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
  return undefined;
}

/** Print rows as aligned columns (human output of list commands). */
export function printTable(out: OutputStream, rows: string[][], empty: string): undefined {
  if (rows.length === 0) {
    out.write(`${empty}\n`);
    return undefined;
  }
  const widths =
    rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  for (const row of rows) {
    out.write(
      `${row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ')}\n`,
    );
  }
  return undefined;
}

const SPINNER = ['|', '/', '-', '\\'];

/**
 * The wait progress display. On a TTY it redraws one status line in place; elsewhere it
 * prints a line only when the status changes, so logs stay short.
 */
export function createStatusLine(out: OutputStream, executionId: string) {
  let frame = 0;
  let lastStatus: string | undefined;
  let drawn = false;
  return {
    update(execution: ExecutionContext, elapsedMs: number): void {
      const seconds = (elapsedMs / 1000).toFixed(1);
      if (out.isTTY) {
        const spin = SPINNER[frame++ % SPINNER.length];
        out.write(`\r\x1b[2K${spin} ${executionId} ${execution.status} (${seconds}s)`);
        drawn = true;
      } else if (execution.status !== lastStatus) {
        out.write(`${executionId} ${execution.status} (${seconds}s)\n`);
      }
      lastStatus = execution.status;
    },
    /** Erase the live line so the final output starts on a clean line. */
    clear(): void {
      if (drawn) out.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
