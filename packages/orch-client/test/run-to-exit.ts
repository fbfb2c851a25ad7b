import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

/** How a child process ended: on its own within the bound, or killed after it. */
export interface ChildOutcome {
  code: number | null;
  /** True when the child had to be killed: something kept it alive past `boundMs`. */
  killed: boolean;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/**
 * Run a TypeScript file with tsx (workspace packages resolved to their sources) and wait for
 * it to exit on its own; past `boundMs` it is killed and reported as such.
 */
export function runToExit(file: string, args: string[], boundMs: number): Promise<ChildOutcome> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(root, 'tsconfig.tests.json') },
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
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, boundMs);
  return new Promise((resolveOutcome, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveOutcome({ code, killed, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}
