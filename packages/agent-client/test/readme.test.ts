import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { fakeSaturn } from './helpers.js';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

/** Run a README snippet with tsx, the package imports pointed at the sources. */
async function runSnippet(source: string, env: Record<string, string>): Promise<string> {
  const at = (path: string) => JSON.stringify(pathToFileURL(resolve(root, path)).href);
  const code = source
    .replace("from '@uplink/agent-client'", `from ${at('src/index.ts')}`)
    .replace("from '@uplink/testing'", `from ${at('../testing/src/index.ts')}`);
  const dir = mkdtempSync(join(tmpdir(), 'agent-client-readme-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, code);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SDK_VERSION', () => {
  it('matches package.json (the User-Agent reports it)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(api.SDK_VERSION).toBe(pkg.version);
  });
});

describe('packages/agent-client/README.md', () => {
  it('names every runtime export and every method of AgentClient', () => {
    const names = Object.keys(api);
    expect(names.length).toBeGreaterThanOrEqual(9);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(readme))).toEqual([]);
    const methods = Object.getOwnPropertyNames(api.AgentClient.prototype).filter(
      (name) => name !== 'constructor',
    );
    expect(methods.length).toBeGreaterThan(25);
    expect(methods.filter((name) => !readme.includes(`\`${name}(`))).toEqual([]);
  });

  it('its example runs against a SATURN that behaves like the real one and prints what it says', async () => {
    const fake = await fakeSaturn();
    const stdout = await runSnippet(snippets[0] ?? '', {
      SATURN_BASE_URL: fake.url,
      SATURN_TOKEN: fake.userToken({ role: 'operator' }),
    });
    expect(stdout).toBe('created v1; 1 chat agent(s)\nchat failed on the server: server-defect\n');
    expect(readme).toContain(
      '`created v1; 1 chat agent(s)` and `chat failed on the server: server-defect`',
    );
    expect(fake.state.messages.map((m) => m.content)).toEqual(['Hello!']);
  });

  it('its testing example runs and prints what its comment says', async () => {
    const snippet = snippets[1] ?? '';
    expect(snippet).toContain('// Echo: hi');
    expect(await runSnippet(snippet, {})).toBe('Echo: hi\n');
  });
});
