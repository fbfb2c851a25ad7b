import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
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
    for (const command of ['flows list', 'run loan_review', 'executions get', 'agents list']) {
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

describe('packages/flow-client/README.md: the CLI section', () => {
  const section = readme.slice(readme.indexOf('## CLI\n'));
  const commands = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const exportLine = /^export AI_SPINE_BASE_URL=(\S+)/m;

  it('shows commands that succeed against the fake AI Spine, run exactly as written', async () => {
    expect(commands).toMatch(exportLine);
    expect(commands).toContain('ai-spine run loan_review');
    // `ai-spine` on PATH is the CLI from source; the only change to the block is the server URL.
    const bin = mkdtempSync(join(tmpdir(), 'ai-spine-bin-'));
    writeFileSync(
      join(bin, 'ai-spine'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(join(root, 'src/cli/main.ts'))} "$@"\n`,
      { mode: 0o755 },
    );
    await using demo = await startDemoSpine();
    try {
      const script = commands.replace(exportLine, `export AI_SPINE_BASE_URL=${demo.url}`);
      const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH ?? ''}` };
      const { stdout, stderr } = await promisify(execFile)('sh', ['-e', '-c', script], {
        cwd: root,
        env,
      });
      expect(stdout).toContain('healthy');
      expect(stdout).toContain('loan_review');
      expect(stdout).toMatch(/completed/);
      expect(stdout).toContain('approved');
      expect(stderr).not.toMatch(/error|at .*\.ts:\d+/i);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('names the production default the client falls back to', () => {
    expect(section).toContain('https://ai-spine-api.up.railway.app');
    expect(readme).toContain(api.DEFAULT_BASE_URL);
  });

  it('the demo spine example prints the line that points the CLI at it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo-spine.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const url = /^export AI_SPINE_BASE_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(
        String(chunk),
      )?.[1];
      expect(url).toBeDefined();
      await using client = new api.FlowClient({ baseUrl: url, env: {} });
      expect((await client.listFlows()).map((flow) => flow.flow_id)).toContain('loan_review');
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });
});
