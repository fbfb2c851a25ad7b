// Child processes for the benches: servers run apart from the client so `process.cpuUsage()`
// counts the client alone, and import costs are timed in fresh processes.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './harness.js';

/** A server in its own process. */
export interface ServerProcess {
  url: string;
  stop: () => void;
}

/**
 * Run `module` (a .ts file run through tsx) in a child process. It must print its URL as its
 * first stdout line, and exit when its stdin ends; `stop()` ends it. Rejects when the child
 * exits first or prints nothing within `timeoutMs`.
 */
export async function startServerProcess(module: URL, timeoutMs = 20_000): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(module)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = (): void => {
    child.stdin?.end();
    child.kill();
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(() => reject(new Error(`${module} printed no URL`)), timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const newline = buffer.indexOf('\n');
        if (newline !== -1) {
          clearTimeout(timer);
          resolve(buffer.slice(0, newline).trim());
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${module} exited with ${code}`));
      });
    });
    return { url, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** The bench's own loopback server (`/json`, `/sse?n=`, `/sse-generated?n=`). */
export function startBenchServer(): Promise<ServerProcess> {
  return startServerProcess(new URL('./server.ts', import.meta.url));
}

const run = promisify(execFile);

/**
 * Milliseconds a fresh Node process spends in `await import(url)`: the median of `runs`
 * processes, each timed inside the child (process start-up is not counted). `url` is a
 * file URL of built JavaScript, so no loader is involved.
 */
export async function importTime(url: string, runs = 10): Promise<{ ms: number; all: number[] }> {
  const script = `const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t))`;
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 30_000,
    });
    all.push(Number(stdout));
  }
  return { ms: median(all), all };
}
