import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');

describe('src/ai-spine/README.md', () => {
  it('names every runtime export', () => {
    const names = Object.keys(api);
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(readme))).toEqual([]);
  });

  it('its example runs and prints what its comment says', async () => {
    const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const expected = /\/\/ (completed .*)$/m.exec(snippet)?.[1];
    expect(expected).toBe('completed {"scorer":{"score":0.5}}');
    // Point the package import at this folder's sources, so no build is needed.
    const source = snippet.replace(
      "from '@uplink/testing'",
      `from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'index.ts')).href)}`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'fake-ai-spine-readme-'));
    try {
      const file = join(dir, 'example.mts');
      writeFileSync(file, source);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
        cwd: import.meta.dirname,
      });
      expect(stdout.trim()).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
