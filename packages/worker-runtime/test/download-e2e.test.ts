import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { downloadFile, tempDirectory } from '../src/index.js';
import { startPlatform } from './helpers.js';

it('resumes an artifact download from FakeLumlPlatform after the connection drops mid-file', async () => {
  const { platform } = await startPlatform();
  const bytes = randomBytes(8 * 1024 * 1024);
  const artifact = platform.uploadArtifact({ bytes, fileName: 'model.luml' });
  const url = platform.artifactDownloadUrl(artifact.id);
  const bucketPath = new URL(url).pathname.split('/').slice(0, 2).join('/');
  // The storage route cuts every response after half its bytes, until data has arrived.
  platform.faults.configure({ routes: { [`GET ${bucketPath}/**`]: { truncate: 1 } } });
  await using dir = await tempDirectory();
  const result = await downloadFile(url, `${dir.path}/`, {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    backoff: { baseDelayMs: 1, maxDelayMs: 5 },
    maxAttempts: 10,
    progressIntervalMs: 0,
    onProgress: (p) => {
      if (p.bytes > 0) platform.faults.configure({});
    },
  });
  expect(result.bytes).toBe(bytes.length);
  expect(result.resumes).toBeGreaterThanOrEqual(1);
  expect((await readFile(result.path)).equals(bytes)).toBe(true);
  const ranged = platform.requests.filter((r) => r.path.startsWith(bucketPath) && r.status === 206);
  expect(ranged.length).toBeGreaterThanOrEqual(1);
  expect(platform.faults.stats.truncate).toBeGreaterThanOrEqual(1);
});
