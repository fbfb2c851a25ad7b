// A process that holds nothing must exit on its own: a child is run to its exit within a bound,
// and killed (and reported so) past it, so a test can attack "nothing keeps the process alive".
import { spawn } from 'node:child_process';

/** How a child process ended: on its own within the bound, or killed after it. */
export interface ChildOutcome {
  /** The exit code (`null` when killed by a signal). */
  code: number | null;
  /** True when the child had to be killed: something kept it alive past `boundMs`. */
  killed: boolean;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Options of {@link runToExit}. */
export interface RunToExitOptions {
  /** Past this, the child is killed (`SIGKILL`) and reported `killed`. */
  boundMs: number;
  /** Working directory of the child. @default process.cwd() */
  cwd?: string | undefined;
  /** Environment of the child. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Run `node <args>` (this Node binary) and wait for it to exit on its own; past `boundMs` it
 * is killed and reported as such. Pass `['--import', 'tsx', file]` to run a TypeScript file.
 *
 * ```ts
 * const outcome = await runToExit(['--import', 'tsx', 'child.ts', 'break'], { boundMs: 20_000 });
 * expect(outcome.killed).toBe(false);
 * ```
 */
export function runToExit(
  args: readonly string[],
  options: RunToExitOptions,
): Promise<ChildOutcome> {
  const started = performance.now();
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
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
  }, options.boundMs);
  return new Promise((resolveOutcome, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveOutcome({ code, killed, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}
