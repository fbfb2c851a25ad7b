import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';

const require = createRequire(import.meta.url);
const fixtureDir = resolve(import.meta.dirname, 'fixtures');

/** A worker child process started with tsx (sources, no build), with its stdout lines. */
export interface WorkerChild {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already seen or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code, or 128 + n when killed by a signal. */
  exited: Promise<number>;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Spawn `fixtures/worker-child.ts` with these environment variables. */
export function startWorkerChild(env: Record<string, string>): WorkerChild {
  const child = spawn(
    process.execPath,
    ['--import', require.resolve('tsx'), resolve(fixtureDir, 'worker-child.ts')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TSX_TSCONFIG_PATH: resolve(fixtureDir, 'tsconfig.json'),
        LUML_HEALTH_ENABLED: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const wake of [...waiters]) wake();
  });
  const exited = new Promise<number>((resolveExit) => {
    child.on('exit', (code, signal) => {
      for (const wake of [...waiters]) wake();
      resolveExit(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0));
    });
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitForLine = (pattern: RegExp, timeoutMs = 20_000): Promise<string> =>
    new Promise((resolveLine, reject) => {
      const check = (): boolean => {
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) {
          cleanup();
          resolveLine(found);
          return true;
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          reject(
            new Error(
              `child exited before printing ${pattern}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
            ),
          );
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${pattern}; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
          ),
        );
      }, timeoutMs);
      const wake = (): void => void check();
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      waiters.add(wake);
      check();
    });
  return { child, lines, waitForLine, exited };
}
