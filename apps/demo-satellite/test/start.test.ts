import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeLumlPlatform } from '@uplink/testing';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('pnpm --filter demo-satellite start', () => {
  it('runs the satellite alone, serves its public API and health, and drains on SIGTERM (exit 0)', async () => {
    await using platform = await startFakeLumlPlatform();
    const { satellite, token } = platform.createSatellite({ name: 'standalone' });
    const stateDir = await mkdtemp(join(tmpdir(), 'uplink-start-test-'));
    const child = spawn(process.execPath, [join(appDir, 'dist', 'main.js')], {
      cwd: appDir,
      env: {
        PATH: process.env.PATH ?? '',
        SATELLITE_TOKEN: token, // the reference agent's names are accepted
        PLATFORM_URL: platform.url,
        LUML_POLL_INTERVAL: '0.05',
        LUML_STATE_DIR: stateDir,
        SATELLITE_PUBLIC_PORT: '0',
        LUML_HEALTH_PORT: '0',
        LUML_HEALTH_HOST: '127.0.0.1',
        UPLINK_LOG: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      const publicUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
          const match = /public API at (http:\/\/\S+)/.exec(stdout);
          if (match) resolve(match[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before running: ${stderr}`)));
      });
      expect(platform.getSatellite(satellite.id)?.paired).toBe(true);
      expect(await (await fetch(`${publicUrl}/healthz`)).json()).toEqual({ status: 'healthy' });
      // A token that is not authorised by the platform is refused by the public API.
      const refused = await fetch(`${publicUrl}/deployments`, {
        headers: { authorization: 'Bearer dfs_nope' },
      });
      expect(refused.status).toBe(401);

      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code, stderr).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
