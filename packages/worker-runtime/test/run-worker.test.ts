// A worker process run with runWorker: what it prints on stderr, its one-line errors, its exit
// codes, and its shutdown (drain, force, handlers that clean up before the process exits).
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { FakeLumlPlatform } from '@uplink/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { startPlatform } from './helpers.js';

const require = createRequire(import.meta.url);
const fixtures = resolve(import.meta.dirname, 'fixtures');

interface Child {
  child: ChildProcess;
  /** stderr lines without their timestamp: `INFO  paired as …`. */
  stderr: string[];
  stdout: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once a line matching `pattern` has appeared on `stream`. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string>;
}

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

function startChild(env: Record<string, string>): Child {
  const child = spawn(
    process.execPath,
    ['--import', require.resolve('tsx'), resolve(fixtures, 'run-worker-child.ts')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TSX_TSCONFIG_PATH: resolve(fixtures, 'tsconfig.json'),
        LUML_HEALTH_ENABLED: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const read = (stream: 'stdout' | 'stderr') =>
    createInterface({ input: child[stream] as NodeJS.ReadableStream }).on('line', (line) => {
      // A timestamped log line loses its time; anything else (an `error:` line) stays as it is.
      lines[stream].push(TIME.test(line) ? line.replace(TIME, '') : line);
    });
  read('stdout');
  read('stderr');
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('close', (code, signal) => res({ code, signal })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp) =>
    vi.waitFor(
      () => {
        const found = lines[stream].find((line) => pattern.test(line));
        if (found === undefined) {
          throw new Error(`no ${pattern} yet; stderr:\n${lines.stderr.join('\n')}`);
        }
        return found;
      },
      { timeout: 20_000, interval: 20 },
    );
  return { child, ...lines, exited, waitFor };
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as { port: number };
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

function satelliteEnv(platform: FakeLumlPlatform, token: string): Record<string, string> {
  return { LUML_SATELLITE_TOKEN: token, LUML_BASE_URL: platform.url, LUML_POLL_INTERVAL: '0.02' };
}

describe('runWorker in a process: what it prints and how it exits', () => {
  it("prints a task's life on stderr, human-readable, and never the token", async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 50 },
    });
    const bad = platform.enqueueTask({ satelliteId: satellite.id, type: 'nope', payload: {} });
    const worker = startChild(satelliteEnv(platform, token));
    const host = new URL(platform.url).host;
    await worker.waitFor('stderr', new RegExp(`task ${bad.id} \\(nope\\) failed`));
    await worker.waitFor('stderr', new RegExp(`task ${task.id} \\(deploy\\) done`));
    worker.child.kill('SIGINT');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const lines = worker.stderr.join('\n');
    const expected = [
      `INFO  paired as ${satellite.id} \\(edge-test\\) with ${host}`,
      `INFO  polling ${platform.url}/satellites/v1/tasks every 0.02 s`,
      `INFO  task ${task.id} \\(deploy\\) started`,
      `INFO  task ${task.id} \\(deploy\\) done in \\d+ ms`,
      `WARN  task ${bad.id} \\(nope\\) failed in \\d+ ms: unknown type: nope`,
      'INFO  stopping \\(SIGINT\\); no task in flight',
      'INFO  stopped',
    ];
    for (const line of expected) expect(lines).toMatch(new RegExp(`^${line}$`, 'm'));
    expect(worker.stderr).toHaveLength(expected.length);
    expect(lines).not.toContain(token);
  });

  it('writes JSON lines with UPLINK_LOG=json, and nothing with UPLINK_LOG=silent', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const json = startChild({ ...satelliteEnv(platform, token), UPLINK_LOG: 'json' });
    const done = await json.waitFor('stderr', /done in/);
    expect(JSON.parse(done)).toMatchObject({
      level: 'info',
      msg: expect.stringMatching(new RegExp(`^task ${task.id} \\(deploy\\) done in \\d+ ms$`)),
      taskId: task.id,
      taskType: 'deploy',
      durationMs: expect.any(Number),
    });
    json.child.kill('SIGTERM');
    expect((await json.exited).code).toBe(0);
    expect(json.stderr.join('\n')).not.toContain(token);

    const second = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const silent = startChild({ ...satelliteEnv(platform, token), UPLINK_LOG: 'silent' });
    await silent.waitFor('stdout', new RegExp(`started ${second.id}`));
    await vi.waitFor(() =>
      expect(platform.tasks.find((t) => t.id === second.id)?.status).toBe('done'),
    );
    silent.child.kill('SIGTERM');
    expect((await silent.exited).code).toBe(0);
    expect(silent.stderr).toEqual([]);
  });

  it('says the platform is unreachable, naming the host, and gives up after LUML_PAIR_TIMEOUT with 69', async () => {
    const port = await closedPort();
    const worker = startChild({
      LUML_SATELLITE_TOKEN: 'dfssat_unused',
      LUML_BASE_URL: `http://127.0.0.1:${port}`,
      LUML_PAIR_TIMEOUT: '3',
    });
    expect((await worker.exited).code).toBe(69);
    const retries = worker.stderr.slice(0, -1);
    expect(retries.length).toBeGreaterThan(0);
    for (const line of retries) {
      expect(line).toMatch(
        new RegExp(
          `^WARN  platform unreachable \\(127\\.0\\.0\\.1:${port}: ECONNREFUSED\\), retrying in [\\d.]+ s$`,
        ),
      );
    }
    expect(worker.stderr.at(-1)).toBe(
      `error: could not reach the platform at http://127.0.0.1:${port} within 3 s (last error: ECONNREFUSED). Check LUML_BASE_URL and the network, or raise LUML_PAIR_TIMEOUT`,
    );
  });

  it('stops cleanly on Ctrl-C while the platform is unreachable', async () => {
    const port = await closedPort();
    const worker = startChild({
      LUML_SATELLITE_TOKEN: 'dfssat_unused',
      LUML_BASE_URL: `http://127.0.0.1:${port}`,
    });
    await worker.waitFor('stderr', /platform unreachable/);
    worker.child.kill('SIGINT');
    expect((await worker.exited).code).toBe(0);
    expect(worker.stderr.slice(-2)).toEqual([
      'INFO  stopping (SIGINT); no task in flight',
      'INFO  stopped',
    ]);
  });

  it('drains on Ctrl-C, saying how many tasks and how to force; exits 0 when they finish in time', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { ms: 400 },
    });
    const worker = startChild(satelliteEnv(platform, token));
    await worker.waitFor('stdout', new RegExp(`started ${task.id}`));
    worker.child.kill('SIGINT');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.stderr.slice(-3)).toEqual([
      'INFO  draining 1 task(s) (up to 30 s); press Ctrl-C again to force',
      expect.stringMatching(new RegExp(`^INFO  task ${task.id} \\(deploy\\) done in \\d+ ms$`)),
      'INFO  stopped',
    ]);
    expect(platform.tasks.find((t) => t.id === task.id)?.status).toBe('done');
  });

  it('forces on a second Ctrl-C: the handler sees its signal abort and cleans up before the process exits', async () => {
    const { platform, satellite, token } = await startPlatform();
    const task = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'spawn',
      payload: { exitMs: 300 },
    });
    const worker = startChild(satelliteEnv(platform, token));
    const pid = Number((await worker.waitFor('stdout', /^grandchild \d+$/)).split(' ')[1]);
    onTestFinished(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    });
    worker.child.kill('SIGINT');
    await worker.waitFor('stderr', /draining 1 task/);
    worker.child.kill('SIGINT');
    expect(await worker.exited).toEqual({ code: 130, signal: null });
    // The handler stopped its child process and saw it exit before the worker's process ended.
    expect(worker.stdout).toContain(`reaped ${pid}`);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(worker.stderr.slice(-5)).toEqual([
      'INFO  draining 1 task(s) (up to 30 s); press Ctrl-C again to force',
      'WARN  forcing the stop: aborting 1 task(s); press Ctrl-C again to exit at once',
      expect.stringMatching(
        new RegExp(
          `^WARN  task ${task.id} \\(spawn\\) failed in \\d+ ms: shutdown: the worker stopped before the task finished$`,
        ),
      ),
      'INFO  waiting up to 5 s for 1 aborted handler(s) to return',
      'INFO  stopped (1 task(s) aborted, 0 status update(s) undelivered)',
    ]);
    expect(platform.tasks.find((t) => t.id === task.id)?.result).toMatchObject({
      reason: 'shutdown',
    });
  });

  it('bounds the wait for a handler that does not return with LUML_ABORT_GRACE', async () => {
    const { platform, satellite, token } = await startPlatform();
    platform.enqueueTask({ satelliteId: satellite.id, type: 'spawn', payload: { exitMs: 60_000 } });
    const worker = startChild({ ...satelliteEnv(platform, token), LUML_ABORT_GRACE: '0.3' });
    const pid = Number((await worker.waitFor('stdout', /^grandchild \d+$/)).split(' ')[1]);
    onTestFinished(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    });
    worker.child.kill('SIGTERM');
    await worker.waitFor('stderr', /draining 1 task/);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(143);
    expect(worker.stderr.join('\n')).toContain(
      'WARN  1 handler(s) did not return within 0.3 s of their abort; stopping anyway',
    );
  });
});

describe('runWorker in a process: startup errors as one line with a hint', () => {
  it('a missing token: one line, exit 78', async () => {
    const worker = startChild({});
    expect((await worker.exited).code).toBe(78);
    expect(worker.stderr).toEqual([
      'error: LUML_SATELLITE_TOKEN: is required: the satellite key (dfssat_…) shown once when the satellite was created (SATELLITE_TOKEN also works; or pass settings.token)',
    ]);
  });

  it('a malformed token is one problem, not also "required"', async () => {
    const worker = startChild({ SATELLITE_TOKEN: 'dfssat_has a space' });
    expect((await worker.exited).code).toBe(78);
    expect(worker.stderr).toEqual([
      'error: SATELLITE_TOKEN: expected a satellite key (dfssat_…) without spaces',
    ]);
  });

  it('a wrong token: one line naming the variable that held it, exit 77', async () => {
    const { platform } = await startPlatform();
    const worker = startChild({
      SATELLITE_TOKEN: 'dfssat_wrong_000000000000000000000000000000',
      PLATFORM_URL: platform.url,
    });
    expect((await worker.exited).code).toBe(77);
    expect(worker.stderr).toEqual([
      'error: the platform refused the satellite token (HTTP 401). Check SATELLITE_TOKEN; was the key rotated or revoked?',
    ]);
  });

  it('a wrong token with the health server on is still one line: the server is not announced before pairing', async () => {
    const { platform } = await startPlatform();
    const worker = startChild({
      LUML_SATELLITE_TOKEN: 'dfssat_wrong_000000000000000000000000000000',
      LUML_BASE_URL: platform.url,
      LUML_HEALTH_ENABLED: 'true',
      LUML_HEALTH_PORT: '0',
    });
    expect((await worker.exited).code).toBe(77);
    expect(worker.stderr).toEqual([
      'error: the platform refused the satellite token (HTTP 401). Check LUML_SATELLITE_TOKEN; was the key rotated or revoked?',
    ]);
  });

  it('a token revoked while running: one line, exit 77', async () => {
    const { platform, satellite, token } = await startPlatform();
    const worker = startChild(satelliteEnv(platform, token));
    await worker.waitFor('stderr', /polling/);
    platform.rotateSatelliteKey(satellite.id);
    expect((await worker.exited).code).toBe(77);
    expect(worker.stderr.at(-1)).toBe(
      'error: the platform refused the satellite token while polling (HTTP 401); stopped instead of polling forever. Check LUML_SATELLITE_TOKEN; was the key rotated or revoked?',
    );
    expect(worker.stderr.filter((line) => line.includes('refused'))).toHaveLength(1);
  });

  it('handlers without a capability: reported once, exit 78', async () => {
    const { platform, token } = await startPlatform();
    const worker = startChild({ ...satelliteEnv(platform, token), NO_CAPABILITY: '1' });
    expect((await worker.exited).code).toBe(78);
    expect(worker.stderr).toEqual([
      'error: handlers: no handler declares a capability; pairing needs at least one of "deploy" or "monitoring" (set `capability` in defineHandler)',
    ]);
  });

  it('shows the stack only when UPLINK_LOG=debug asks for it', async () => {
    const worker = startChild({ UPLINK_LOG: 'debug' });
    expect((await worker.exited).code).toBe(78);
    expect(worker.stderr[0]).toMatch(/^error: LUML_SATELLITE_TOKEN: is required/);
    expect(worker.stderr[1]).toMatch(/^ConfigurationError: /);
    expect(worker.stderr.some((line) => /^\s+at /.test(line))).toBe(true);
  });
});
