// Child processes for the release check: every command has a time limit, output is kept for
// the failure message, and every process still running can be stopped at once on exit. Each
// child leads its own process group, and stopping it signals the whole group, so nothing it
// started (turbo, tsc, a test server) outlives it.
import { spawn } from 'node:child_process';

const running = new Set();

/**
 * Runs `command` and resolves with its output; rejects (with the output in the message) on a
 * non-zero exit, a signal or after `timeoutMs`.
 */
export function run(command, args, { cwd, env, timeoutMs = 120_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.end(input ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`${command} ${args.join(' ')}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      signalGroup(child, 'SIGKILL'); // nothing a finished command started may outlive it
      if (code === 0) return resolve({ stdout, stderr });
      const why = timedOut ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
      reject(new Error(`${command} ${args.join(' ')} (in ${cwd ?? '.'}) ${why}\n${output}`));
    });
  });
}

/** Starts a long-running process (a server); `stopAll` ends it. */
export function start(command, args, options) {
  const child = spawn(command, args, {
    ...options,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Stops one child: SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
export async function stop(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, 'SIGKILL'); // the leader is gone; end what it left in its group
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(child, 'SIGKILL'); // anything of the group that ignored SIGTERM
}

/** Signals the process group `child` leads (it was spawned detached). */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Stops every child this module started that is still running. */
export async function stopAll() {
  await Promise.all([...running].map((child) => stop(child)));
}

/** Runs `task` over `items`, at most `limit` at a time; rejects with the first failure. */
export async function pool(items, limit, task) {
  const queue = [...items];
  const results = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      while (queue.length > 0) {
        const item = queue.shift();
        results.push(await task(item));
      }
    }),
  );
  return results;
}
