// Timing helpers: wall and CPU time of a phase in this process, or of a child command.
import { spawn } from 'node:child_process';

/** Wall and CPU time (user + system) of one measured run, in milliseconds. */
export interface Sample {
  wallMs: number;
  cpuMs: number;
  /** CPU time of the fake platform's process over the same span, when measured. */
  platformCpuMs?: number | undefined;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** Wall and CPU time of `body` in this process. */
export async function measure(body: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await body();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Reject when `promise` takes longer than `ms` (every phase is bounded). */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A child command's wall time, CPU time (its own and its children's) and peak RSS. */
export interface CommandSample extends Sample {
  stdout: string;
  maxRssKiB: number;
}

/** Run a command under GNU time (for CPU and RSS), killing it after `timeoutMs`. */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<CommandSample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'TIME %U %S %M', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const match = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      if (code !== 0 || !match) {
        reject(new Error(`${command} failed (${code}): ${stderr.slice(-500)}`));
        return;
      }
      resolve({
        stdout,
        wallMs,
        cpuMs: (Number(match[1]) + Number(match[2])) * 1000,
        maxRssKiB: Number(match[3]),
      });
    });
  });
}
