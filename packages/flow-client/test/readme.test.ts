import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startDemoSpine } from '../examples/demo-spine.js';
import * as api from '../src/index.js';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('FLOW_CLIENT_VERSION', () => {
  it('matches package.json (the User-Agent and `ai-spine --version` report it)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(api.FLOW_CLIENT_VERSION).toBe(pkg.version);
  });
});

describe('packages/flow-client/README.md', () => {
  it('names every runtime export', () => {
    const names = Object.keys(api);
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(readme))).toEqual([]);
  });

  it('names every CLI command and exit code of --help', async () => {
    const { EXIT_CODES } = await import('../src/cli/help.js');
    for (const command of ['flows list', 'run credit_analysis', 'executions get', 'agents list']) {
      expect(readme).toContain(`ai-spine ${command}`);
    }
    for (const code of Object.values(EXIT_CODES)) expect(readme).toContain(`\`${code}\``);
  });

  it('its example runs against the demo spine', async () => {
    const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet).toContain('executeAndWait');
    // Point the package import at the sources, so the snippet runs without a build.
    const source = (snippet ?? '').replace(
      "from '@uplink/flow-client'",
      `from ${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)}`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'flow-client-readme-'));
    const file = join(dir, 'example.mts');
    writeFileSync(file, source);
    await using demo = await startDemoSpine();
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, AI_SPINE_BASE_URL: demo.url };
      delete env.AI_SPINE_API_KEY;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        env,
      });
      expect(stdout).toMatch(/^completed \d+$/m);
      expect(stdout).toContain('decision:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
