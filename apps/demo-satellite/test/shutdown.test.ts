import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type FakeLlamaOrch,
  type FakeLumlPlatform,
  startFakeLlamaOrch,
  startFakeLumlPlatform,
} from '@uplink/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { demoModelCard } from '../src/model-server/model-card.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

interface Model {
  deploymentId: string;
  pid: number;
  port: number;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether something still accepts connections on the port. */
async function answers(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  );
}

/** `pnpm --filter demo-satellite start` as a child process, with two deployed model processes. */
async function startWithModels(count: number) {
  const platform: FakeLumlPlatform = await startFakeLumlPlatform();
  const orch: FakeLlamaOrch = await startFakeLlamaOrch({ apiKey: 'orch-key' });
  const stateDir = await mkdtemp(join(tmpdir(), 'uplink-shutdown-test-'));
  const models: Model[] = [];
  let child: ChildProcess | undefined;
  onTestFinished(async () => {
    // Never leave a process behind, whatever the outcome.
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const model of models) if (isAlive(model.pid)) process.kill(model.pid, 'SIGKILL');
    await Promise.all([platform.close(), orch.close()]);
    await rm(stateDir, { recursive: true, force: true });
  });
  const { satellite, token } = platform.createSatellite({ name: 'shutdown' });
  const secret = platform.createSecret({ name: 'LLAMA_ORCH_API_KEY', value: 'orch-key' });
  const artifact = platform.uploadArtifact({
    bytes: JSON.stringify(demoModelCard()),
    fileName: 'card.json',
  });
  child = spawn(process.execPath, [join(appDir, 'dist', 'main.js')], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH ?? '',
      SATELLITE_TOKEN: token,
      PLATFORM_URL: platform.url,
      LUML_POLL_INTERVAL: '0.05',
      LUML_STATE_DIR: stateDir,
      LLAMA_ORCH_URL: orch.url,
      SATELLITE_PUBLIC_PORT: '0',
      LUML_HEALTH_PORT: '0',
      UPLINK_LOG: 'info,json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = child;
  let stdout = '';
  let stderr = '';
  const exited = once(running, 'exit') as Promise<[number | null, string | null]>;
  const lineWaiters = new Set<() => void>();
  running.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    for (const wake of [...lineWaiters]) wake();
  });
  running.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    for (const line of c.split('\n')) {
      if (!line.includes('"msg":"model process started')) continue;
      const { deploymentId, pid, port } = JSON.parse(line) as Model;
      models.push({ deploymentId, pid, port });
    }
    for (const wake of [...lineWaiters]) wake();
  });
  /** Resolves when `check` holds (checked on each output chunk), or rejects after `ms`. */
  const until = (check: () => boolean, what: string, ms = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        lineWaiters.delete(wake);
        if (error) reject(error);
        else resolve();
      };
      const wake = (): void => {
        if (check()) done();
        else if (running.exitCode !== null) done(new Error(`exited before ${what}:\n${stderr}`));
      };
      const timer = setTimeout(
        () => done(new Error(`timed out waiting for ${what}:\n${stderr}`)),
        ms,
      );
      lineWaiters.add(wake);
      wake();
    });
  await until(() => /public API at (http:\/\/\S+)/.test(stdout), 'the public API');
  const publicUrl = /public API at (http:\/\/\S+)/.exec(stdout)?.[1] as string;
  for (let i = 0; i < count; i++) {
    platform.createDeployment({
      satelliteId: satellite.id,
      artifactId: artifact.id,
      name: `m${i}`,
      envVariablesSecrets: { LLAMA_ORCH_API_KEY: secret.id },
    });
  }
  await until(() => models.length === count, `${count} model processes`);
  for (const model of models) {
    expect(isAlive(model.pid)).toBe(true);
    expect(await answers(model.port)).toBe(true);
  }
  /** The exit code, or a failure naming what still runs after `ms`. */
  const exitCode = async (ms = 20_000): Promise<number | null> => {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${stderr}`)), ms).unref(),
    );
    const [code] = await Promise.race([exited, timeout]);
    return code;
  };
  return { platform, satellite, child: running, models, publicUrl, exitCode, stderr: () => stderr };
}

describe('pnpm --filter demo-satellite start: no process outlives the satellite', () => {
  it('SIGTERM stops the model processes before the satellite exits (exit 0)', async () => {
    const { child, models, publicUrl, exitCode } = await startWithModels(2);
    child.kill('SIGTERM');
    expect(await exitCode()).toBe(0);
    for (const model of models) {
      expect(isAlive(model.pid), `model process ${model.pid}`).toBe(false);
      expect(await answers(model.port), `port ${model.port}`).toBe(false);
    }
    expect(await answers(Number(new URL(publicUrl).port))).toBe(false);
  });

  it('a fatal 401 after startup stops everything and exits 77 with one line', async () => {
    const { platform, satellite, models, publicUrl, exitCode, stderr } = await startWithModels(1);
    // The key is rotated: the next poll gets a 401 and the worker stops for good.
    platform.rotateSatelliteKey(satellite.id);
    expect(await exitCode()).toBe(77);
    // Reported once, by the worker's logger.
    const reports = stderr()
      .split('\n')
      .filter((line) => line.includes('refused the satellite token'));
    expect(reports.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'stopping: the platform refused the satellite token while polling (HTTP 401); stopped instead of polling forever. Check SATELLITE_TOKEN; was the key rotated or revoked?',
      }),
    ]);
    for (const model of models) {
      expect(isAlive(model.pid), `model process ${model.pid}`).toBe(false);
      expect(await answers(model.port), `port ${model.port}`).toBe(false);
    }
    expect(await answers(Number(new URL(publicUrl).port))).toBe(false);
  });

  it('a satellite killed outright (SIGKILL) takes its model processes with it', async () => {
    const { child, models, exitCode } = await startWithModels(1);
    child.kill('SIGKILL');
    await exitCode();
    // The model process learns it from its stdin pipe closing; give it a bounded while.
    const model = models[0] as Model;
    for (let i = 0; i < 100 && isAlive(model.pid); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(isAlive(model.pid), `model process ${model.pid}`).toBe(false);
    expect(await answers(model.port)).toBe(false);
  });
});
