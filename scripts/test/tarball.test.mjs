// The tarball inspection of the packaging gate and the release check, on small packages made
// here: a clean one passes, and each kind of packaging mistake is reported.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectPackage } from '../lib/tarball.mjs';

const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A minimal, correct package folder; `change(files)` edits it before it is written. */
function makePackage(change = () => {}) {
  const files = {
    'package.json': {
      name: '@uplink/example',
      version: '1.0.0',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      bin: { example: './dist/cli.js' },
      dependencies: { ky: '^2.1.0' },
      publishConfig: { access: 'public' },
    },
    'README.md': '# example\n\nSee [the source](src/index.ts).\n',
    'dist/index.js':
      "import ky from 'ky';\nimport { readFile } from 'node:fs/promises';\nexport const x = [ky, readFile];\n//# sourceMappingURL=index.js.map\n",
    'dist/index.js.map': { version: 3, sources: ['../src/index.ts'], mappings: '' },
    'dist/index.d.ts': 'export declare const x: unknown[];\n//# sourceMappingURL=index.d.ts.map\n',
    'dist/index.d.ts.map': { version: 3, sources: ['../src/index.ts'], mappings: '' },
    'dist/cli.js': '#!/usr/bin/env node\nconsole.log(1);\n',
    'src/index.ts': 'export const x = [];\n',
  };
  change(files);
  const root = mkdtempSync(join(tmpdir(), 'uplink-inspect-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    if (content === undefined) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(
      join(root, path),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  }
  if (files['dist/cli.js'] !== undefined) chmodSync(join(root, 'dist/cli.js'), 0o755);
  return root;
}

describe('inspectPackage', () => {
  it('passes a clean package', async () => {
    expect(await inspectPackage(makePackage())).toEqual([]);
  });

  it('reports a workspace: range left in any dependency field', async () => {
    const root = makePackage((f) => {
      f['package.json'].dependencies['@uplink/http'] = 'workspace:^';
      f['package.json'].devDependencies = { '@uplink/testing': 'workspace:*' };
    });
    const problems = await inspectPackage(root);
    expect(problems).toEqual([
      expect.stringContaining('dependencies.@uplink/http is still "workspace:^"'),
      expect.stringContaining('devDependencies.@uplink/testing is still "workspace:*"'),
    ]);
  });

  it('reports provenance in publishConfig', async () => {
    const root = makePackage((f) => {
      f['package.json'].publishConfig.provenance = true;
    });
    expect(await inspectPackage(root)).toEqual([
      expect.stringContaining('publishConfig.provenance is set'),
    ]);
  });

  it('reports shipped tests, fixtures and build caches', async () => {
    const root = makePackage((f) => {
      f['src/index.test.ts'] = 'test';
      f['dist/fixtures/a.json'] = '{}';
      f['dist/.tsbuildinfo'] = '{}';
    });
    const problems = await inspectPackage(root);
    expect(problems).toEqual(
      expect.arrayContaining([
        'ships a test, fixture or build-cache file: src/index.test.ts',
        'ships a test, fixture or build-cache file: dist/fixtures/a.json',
        'ships a test, fixture or build-cache file: dist/.tsbuildinfo',
      ]),
    );
  });

  it('reports an export target or a bin that is missing, and a bin without shebang or +x', async () => {
    const missing = makePackage((f) => {
      f['dist/index.d.ts'] = undefined;
      f['dist/index.d.ts.map'] = undefined;
    });
    expect(await inspectPackage(missing)).toEqual([
      'exports["."] points at ./dist/index.d.ts, which is not in the tarball',
    ]);
    const noShebang = makePackage((f) => {
      f['dist/cli.js'] = 'console.log(1);\n';
    });
    expect(await inspectPackage(noShebang)).toEqual([
      'bin example (./dist/cli.js) does not start with "#!/usr/bin/env node"',
    ]);
    const notExecutable = makePackage();
    chmodSync(join(notExecutable, 'dist/cli.js'), 0o644);
    expect(await inspectPackage(notExecutable)).toEqual([
      'bin example (./dist/cli.js) is not executable',
    ]);
  });

  it('reports a source map or declaration map that points at an unshipped file', async () => {
    const root = makePackage((f) => {
      f['src/index.ts'] = undefined;
      f['README.md'] = '# example\n';
    });
    expect(await inspectPackage(root)).toEqual([
      'dist/index.d.ts.map maps to ../src/index.ts, which is not in the tarball (and not inlined)',
      'dist/index.js.map maps to ../src/index.ts, which is not in the tarball (and not inlined)',
    ]);
  });

  it('accepts a map whose sources are inlined (sourcesContent)', async () => {
    const root = makePackage((f) => {
      f['src/index.ts'] = undefined;
      f['README.md'] = '# example\n';
      for (const map of ['dist/index.js.map', 'dist/index.d.ts.map']) {
        f[map] = { ...f[map], sourcesContent: ['export const x = [];'] };
      }
    });
    expect(await inspectPackage(root)).toEqual([]);
  });

  it('reports a README link to a file of the package that is not shipped', async () => {
    const root = makePackage((f) => {
      f['README.md'] = '[examples](examples/a.ts), [docs](../../docs/x.md), [web](https://x.y)\n';
    });
    expect(await inspectPackage(root)).toEqual([
      'README.md links to examples/a.ts, which is not in the tarball',
    ]);
  });

  it('reports an import of a package that is not a dependency or peer dependency', async () => {
    const root = makePackage((f) => {
      f['dist/index.js'] =
        "import ky from 'ky';\nimport * as v from 'valibot';\nexport const x = [ky, v];\n//# sourceMappingURL=index.js.map\n";
    });
    expect(await inspectPackage(root)).toEqual([
      'dist/index.js imports valibot, which is not in dependencies or peerDependencies',
    ]);
  });

  it('reports a chunk that a bundle imports but the tarball lacks', async () => {
    const root = makePackage((f) => {
      f['dist/index.js'] =
        "export * from './chunks/chunk-ABC.js';\n//# sourceMappingURL=index.js.map\n";
    });
    const problems = await inspectPackage(root);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/does not bundle: .*chunk-ABC\.js/s);
  });

  it('requires CHANGELOG.md in the tarball when the package folder has one', async () => {
    const root = makePackage();
    const source = mkdtempSync(join(tmpdir(), 'uplink-source-'));
    dirs.push(source);
    expect(await inspectPackage(root, { sourceDir: source })).toEqual([]);
    writeFileSync(join(source, 'CHANGELOG.md'), '# @uplink/example\n');
    expect(await inspectPackage(root, { sourceDir: source })).toEqual([
      'CHANGELOG.md exists in the package folder but is not in the tarball',
    ]);
  });
});
