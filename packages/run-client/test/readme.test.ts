import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('names every runtime export', () => {
    const missing = Object.keys(api).filter((name) => !readme.includes(`\`${name}`));
    expect(Object.keys(api).length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });

  it('its example runs and prints what its comment says', async () => {
    const snippet = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(snippet.split('\n').filter(Boolean).length).toBeLessThanOrEqual(10);
    const expected = /\/\/ (completed \d+)$/m.exec(snippet)?.[1];
    expect(expected).toBe('completed 3');
    const source = snippet
      .replace(
        "from '@uplink/run-client'",
        `from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../src/index.ts')).href)}`,
      )
      .replace(
        "from '@uplink/testing'",
        `from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../testing/src/index.ts')).href)}`,
      );
    const dir = mkdtempSync(join(tmpdir(), 'run-client-readme-'));
    try {
      const file = join(dir, 'example.mts');
      writeFileSync(file, source);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
        cwd: import.meta.dirname,
        env: { PATH: process.env.PATH ?? '' },
        timeout: 20_000,
      });
      const lines = stdout.trim().split('\n');
      expect(lines.at(-1)).toBe(expected);
      expect(lines.slice(0, -1)).toEqual(['{', 'Step 1: Summarise the open incidents']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
