import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Start bench/server.ts in a child process; resolves its URL and a stop function. */
export async function startBenchServer(): Promise<{ url: string; stop: () => void }> {
  const here = dirname(fileURLToPath(import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(here, 'server.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) resolveUrl(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One measured run: its rate and the client CPU it used, as a rate per CPU-second. */
async function measure(run: () => Promise<number>): Promise<{ rate: number; cpuRate: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rate = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { rate, cpuRate: cpuMs > 0 ? (rate * wallMs) / cpuMs : rate };
}

/**
 * Run `a` and `b` alternately `rounds` times; returns the median of each (higher is better)
 * and their ratio, by wall clock and by this process's CPU time. The CPU ratio is steadier on
 * a shared machine, where other processes stretch wall time unevenly (the server runs in its
 * own process, so it is not counted).
 */
export async function compare(
  rounds: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<{ a: number; b: number; ratio: number; cpuRatio: number }> {
  const as: { rate: number; cpuRate: number }[] = [];
  const bs: { rate: number; cpuRate: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(await measure(a));
    bs.push(await measure(b));
  }
  const ma = median(as.map((x) => x.rate));
  const mb = median(bs.map((x) => x.rate));
  const cpuRatio = median(bs.map((x) => x.cpuRate)) / median(as.map((x) => x.cpuRate));
  return { a: ma, b: mb, ratio: mb / ma, cpuRatio };
}

export const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1);
