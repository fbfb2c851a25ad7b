import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeLlamaOrch, startFakeLumlPlatform } from '@uplink/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { demoModelCard } from '../src/model-server/model-card.js';
import { startSatellite } from '../src/satellite.js';

describe('deploy: the artifact file name comes from any orbit user', () => {
  it('writes the artifact under its base name inside the artifacts folder, never outside', async () => {
    const platform = await startFakeLumlPlatform();
    const orch = await startFakeLlamaOrch();
    const root = await mkdtemp(join(tmpdir(), 'uplink-hostile-artifact-'));
    const dataDir = join(root, 'data');
    await mkdir(dataDir);
    onTestFinished(async () => {
      await Promise.all([platform.close(), orch.close()]);
      await rm(root, { recursive: true, force: true });
    });
    const { satellite, token } = platform.createSatellite({ name: 'hostile' });
    const running = await startSatellite({
      env: {},
      settings: { token, platformUrl: platform.url, pollIntervalMs: 20, healthEnabled: false },
      llamaOrchUrl: orch.url,
      dataDir,
    });
    onTestFinished(async () => {
      await running.stop();
    });
    // artifacts/<deployment id>/../../../outside/card.json is <root>/outside/card.json
    const artifact = platform.uploadArtifact({
      bytes: JSON.stringify(demoModelCard()),
      fileName: '../../../outside/card.json',
    });
    const escaping = platform.createDeployment({
      satelliteId: satellite.id,
      artifactId: artifact.id,
      name: 'escape',
    });
    // A name that is nothing but a way out has no safe base name: the deploy fails cleanly.
    const dots = platform.createDeployment({
      satelliteId: satellite.id,
      artifactId: platform.uploadArtifact({ bytes: '{}', fileName: 'models/..' }).id,
      name: 'dots',
    });
    const statusOf = (id: string) => platform.tasks.find((t) => t.id === id);
    await vi.waitFor(
      () =>
        expect([escaping.task.id, dots.task.id].map((id) => statusOf(id)?.status)).toEqual([
          'done',
          'failed',
        ]),
      { timeout: 15_000 },
    );
    expect(existsSync(join(root, 'outside'))).toBe(false);
    expect(await readdir(root)).toEqual(['data']);
    expect(await readdir(join(dataDir, 'artifacts', escaping.deployment.id))).toEqual([
      'card.json',
    ]);
    expect(statusOf(dots.task.id)?.result).toMatchObject({
      reason: 'unsafe artifact file name',
      error: expect.stringContaining('Refusing file name ".."'),
    });
  });
});
