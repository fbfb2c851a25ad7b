import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  defineHandler,
  STATE_LOCK_FILE_NAME,
  StateDirectoryLockedError,
  tempDirectory,
  WorkerFatalError,
} from '../src/index.js';
import { startWorkerChild } from './child-process.js';
import { createWorker, DEPLOY_CAPABILITY, startPlatform } from './helpers.js';

const handlers = () => [
  defineHandler('deploy', { capability: DEPLOY_CAPABILITY, run: () => ({ ok: true }) }),
];

async function stateDir() {
  const dir = await tempDirectory({ prefix: 'uplink-lock-test-' });
  onTestFinished(() => dir.remove());
  return dir.path;
}

function recordingLogger() {
  const warnings: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  return {
    warnings,
    logger: {
      debug: () => {},
      info: () => {},
      warn: (message: string, fields?: Record<string, unknown>) =>
        warnings.push({ message, fields }),
      error: () => {},
    },
  };
}

/** The PID of a process that has exited (so the lock it "left" is stale). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid as number;
}

describe('one worker per state directory (the platform has no task claims)', () => {
  it('refuses a second worker on the same state directory, naming the lock file and the PID', async () => {
    const { platform, token } = await startPlatform();
    const dir = await stateDir();
    const first = createWorker(platform, token, handlers(), { settings: { stateDir: dir } });
    await first.start();
    const second = createWorker(platform, token, handlers(), { settings: { stateDir: dir } });
    const error = await second.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirectoryLockedError);
    expect(error).toBeInstanceOf(WorkerFatalError);
    const lockPath = join(dir, STATE_LOCK_FILE_NAME);
    expect(error).toMatchObject({ lockPath, holderPid: process.pid });
    expect((error as Error).message).toContain(lockPath);
    expect((error as Error).message).toContain(`PID ${process.pid}`);
    expect((error as Error).message).toMatch(/one worker per satellite token/);
    expect(second.state).toBe('failed');
    expect(first.state).toBe('running');
    // The first worker keeps its lock until it stops; then a new worker may start.
    await first.stop();
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
    const third = createWorker(platform, token, handlers(), { settings: { stateDir: dir } });
    await third.start();
    expect(third.state).toBe('running');
  });

  it('refuses while a worker in another process holds the directory', async () => {
    const { platform, token } = await startPlatform();
    const dir = await stateDir();
    const child = startWorkerChild({
      LUML_SATELLITE_TOKEN: token,
      LUML_PLATFORM_URL: platform.url,
      LUML_POLL_INTERVAL: '0.02',
      LUML_STATE_DIR: dir,
    });
    await child.waitForLine(/^ready$/);
    const worker = createWorker(platform, token, handlers(), { settings: { stateDir: dir } });
    const error = await worker.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirectoryLockedError);
    expect((error as StateDirectoryLockedError).holderPid).toBe(child.child.pid);
    expect((error as Error).message).toContain(`PID ${child.child.pid}`);
    child.child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it('takes over a lock whose process is gone, with a warning', async () => {
    const { platform, token } = await startPlatform();
    const dir = await stateDir();
    const pid = await deadPid();
    const lockPath = join(dir, STATE_LOCK_FILE_NAME);
    await writeFile(lockPath, JSON.stringify({ pid, hostname: hostname(), instance: 'old' }));
    const { warnings, logger } = recordingLogger();
    const worker = createWorker(platform, token, handlers(), {
      settings: { stateDir: dir },
      logger,
    });
    await worker.start();
    expect(warnings).toContainEqual({
      message: 'state directory lock left by a process that is gone; taking it over',
      fields: expect.objectContaining({ path: lockPath, stalePid: pid }),
    });
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    await worker.stop();
  });

  it('takes over a lock whose PID was reused by another process (start identity differs)', async () => {
    const { platform, token } = await startPlatform();
    const dir = await stateDir();
    const lockPath = join(dir, STATE_LOCK_FILE_NAME);
    // The parent process is alive, but it is not the process that wrote this lock.
    await writeFile(
      lockPath,
      JSON.stringify({
        pid: process.ppid,
        hostname: hostname(),
        startIdentity: 'a process that started at another time',
        instance: 'old',
      }),
    );
    const { warnings, logger } = recordingLogger();
    const worker = createWorker(platform, token, handlers(), {
      settings: { stateDir: dir },
      logger,
    });
    await worker.start();
    expect(warnings.map((w) => w.message)).toContain(
      'state directory lock left by a process that is gone; taking it over',
    );
    await worker.stop();
  });

  it('refuses a lock held on another host: it cannot tell whether that worker runs', async () => {
    const { platform, token } = await startPlatform();
    const dir = await stateDir();
    const lockPath = join(dir, STATE_LOCK_FILE_NAME);
    await writeFile(lockPath, JSON.stringify({ pid: 1, hostname: 'elsewhere', instance: 'x' }));
    const worker = createWorker(platform, token, handlers(), { settings: { stateDir: dir } });
    const error = await worker.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDirectoryLockedError);
    expect((error as Error).message).toContain('on host elsewhere');
    expect((error as Error).message).toContain(`delete ${lockPath}`);
  });
});
