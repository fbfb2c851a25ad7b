// Pieces of the release check that can be tested without a registry: process groups that do
// not outlive their command, and the dependency-chain comparison of an install.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectedUplinkClosure,
  importCheckSource,
  installedClosure,
  installedPackages,
  writeTypecheckProject,
} from '../lib/consumer.mjs';
import { run, start, stop } from '../lib/proc.mjs';
import { freePort } from '../lib/registry.mjs';

const dirs = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'uplink-release-lib-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('run and stop', () => {
  it('rejects with the output when a command fails', async () => {
    await expect(run('bash', ['-c', 'echo visible; exit 3'])).rejects.toThrow(
      /exited with 3\nvisible/,
    );
  });

  it('kills a command and everything it started when it runs past its time limit', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'grandchild.pid');
    const started = Date.now();
    await expect(
      run('bash', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], { timeoutMs: 500 }),
    ).rejects.toThrow(/timed out after 500 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it('stop() ends a server and what it started, even when it ignores SIGTERM', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'grandchild.pid');
    const server = start('bash', ['-c', `trap '' TERM; sleep 30 & echo $! > ${pidFile}; wait`]);
    await expect
      .poll(() => readFileSync(pidFile, 'utf8').trim() !== '', { timeout: 5_000 })
      .toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await stop(server, 200);
    expect(alive(server.pid)).toBe(false);
    await expect.poll(() => alive(grandchild), { timeout: 5_000 }).toBe(false);
  });
});

describe('freePort', () => {
  it('returns a port nothing listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});

describe('dependency chains', () => {
  /** A node_modules tree: name -> manifest extras. */
  function project(tree) {
    const dir = tempDir();
    for (const [name, manifest] of Object.entries(tree)) {
      mkdirSync(join(dir, 'node_modules', name), { recursive: true });
      writeFileSync(
        join(dir, 'node_modules', name, 'package.json'),
        JSON.stringify({ name, version: '1.0.0', ...manifest }),
      );
    }
    return dir;
  }

  it('follows dependencies and required peers, not optional peers', () => {
    const dir = project({
      '@uplink/http': { dependencies: { ky: '^2', '@uplink/core-schemas': '^1' } },
      '@uplink/core-schemas': { dependencies: { valibot: '^1' } },
      ky: {},
      valibot: {
        peerDependencies: { typescript: '>=5' },
        peerDependenciesMeta: { typescript: { optional: true } },
      },
      typescript: {},
    });
    const installed = installedPackages(dir);
    expect(installed.map((p) => p.name).sort()).toEqual([
      '@uplink/core-schemas',
      '@uplink/http',
      'ky',
      'typescript',
      'valibot',
    ]);
    const closure = installedClosure(installed, ['@uplink/http']);
    // typescript is installed but outside the chain: the release check reports it as extraneous.
    expect([...closure].sort()).toEqual(['@uplink/core-schemas', '@uplink/http', 'ky', 'valibot']);
  });

  it('expects the @uplink chain a package declares, and nothing from its devDependencies', () => {
    const byName = new Map(
      Object.entries({
        '@uplink/orch-client': {
          dependencies: { '@uplink/http': 'workspace:^' },
          devDependencies: { '@uplink/testing': 'workspace:^' },
        },
        '@uplink/http': { dependencies: { '@uplink/core-schemas': 'workspace:^', ky: '^2' } },
        '@uplink/core-schemas': { dependencies: { valibot: '^1' } },
        '@uplink/testing': {
          peerDependencies: { vitest: '>=4' },
          peerDependenciesMeta: { vitest: { optional: true } },
        },
      }).map(([name, pkg]) => [name, { pkg }]),
    );
    expect([...expectedUplinkClosure('@uplink/orch-client', byName)].sort()).toEqual([
      '@uplink/core-schemas',
      '@uplink/http',
      '@uplink/orch-client',
    ]);
  });
});

describe('consumer files', () => {
  it('writes one tsconfig per profile, strict, skipLibCheck off, the browser one without Node types', () => {
    const dir = tempDir();
    const configs = writeTypecheckProject(dir, [
      { specifier: '@uplink/http', nodeOnly: false },
      { specifier: '@uplink/http/node', nodeOnly: true },
    ]);
    expect(configs).toEqual([
      'tsconfig.node16.json',
      'tsconfig.nodenext.json',
      'tsconfig.bundler.json',
      'tsconfig.browser.json',
    ]);
    const browser = JSON.parse(readFileSync(join(dir, 'tsconfig.browser.json'), 'utf8'));
    expect(browser.compilerOptions).toMatchObject({
      strict: true,
      skipLibCheck: false,
      types: [],
      lib: ['es2023', 'dom', 'dom.iterable'],
      moduleResolution: 'bundler',
    });
    const browserFile = readFileSync(join(dir, 'consumer-browser.ts'), 'utf8');
    expect(browserFile).toContain("from '@uplink/http';");
    expect(browserFile).not.toContain('@uplink/http/node');
    expect(readFileSync(join(dir, 'consumer-node16.ts'), 'utf8')).toContain(
      "from '@uplink/http/node';",
    );
  });

  it('the import check fails when two entries export different copies of a class', async () => {
    const dir = tempDir();
    for (const name of ['a', 'b']) {
      writeFileSync(
        join(dir, `${name}.mjs`),
        'export class Thing {}\nexport function helper() {}\n',
      );
    }
    writeFileSync(join(dir, 'check.mjs'), importCheckSource(['./a.mjs', './b.mjs']));
    await expect(run(process.execPath, ['check.mjs'], { cwd: dir })).rejects.toThrow(
      /Thing from \.\/b\.mjs is not the Thing from \.\/a\.mjs: two copies/,
    );
    writeFileSync(
      join(dir, 'b.mjs'),
      "export { Thing } from './a.mjs';\nexport function helper() {}\n",
    );
    await expect(run(process.execPath, ['check.mjs'], { cwd: dir })).resolves.toBeTruthy();
  });
});
