// The built dist/ of every package (pnpm test builds first): one bundle per entry at the path
// the exports map names, shared code in chunks that exist once, classes that stay single across
// subpaths, a runnable bin, and source maps that carry their sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// Imported from dist on purpose: the vitest aliases send `@uplink/...` to src/.
import * as testingRoot from '../../packages/testing/dist/index.js';
import { test as fixtureTest } from '../../packages/testing/dist/vitest.js';
import { listPackages } from '../lib/workspace.mjs';

const packages = listPackages().filter((p) => !p.private);

function jsFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const item of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, item.name);
      if (item.isDirectory()) walk(path);
      else if (item.name.endsWith('.js')) out.push(path);
    }
  };
  walk(dir);
  return out;
}

describe.each(packages.map((p) => [p.name, p]))('%s dist/', (_name, info) => {
  const dist = join(info.dir, 'dist');
  const outputs = jsFiles(dist);

  it('has exactly one bundle per entry plus shared chunks (no per-file JavaScript)', () => {
    const entries = info.entries.map((e) => join(info.dir, e.js)).sort();
    for (const entry of entries) expect(existsSync(entry), entry).toBe(true);
    const others = outputs.filter((f) => !entries.includes(f));
    expect(others.map((f) => relative(dist, f)).filter((f) => !f.startsWith('chunks/'))).toEqual(
      [],
    );
  });

  it('bundles each source module into one output only (one copy of every class)', () => {
    const owner = new Map();
    const duplicated = [];
    for (const file of outputs) {
      const modules = new Set(
        [...readFileSync(file, 'utf8').matchAll(/^\/\/ (src\/\S+\.ts)$/gm)].map((m) => m[1]),
      );
      for (const module of modules) {
        if (owner.has(module)) duplicated.push(`${module} in ${owner.get(module)} and ${file}`);
        else owner.set(module, file);
      }
    }
    expect(duplicated).toEqual([]);
    expect(owner.size).toBeGreaterThan(0);
  });

  it('gives every bundle a source map that carries the TypeScript of its sources', () => {
    let mapped = 0;
    for (const file of outputs) {
      const text = readFileSync(file, 'utf8');
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
      expect(url, file).toBeDefined();
      const map = JSON.parse(readFileSync(join(dirname(file), url), 'utf8'));
      mapped += map.sources.length; // an entry with no code yet (export {}) maps nothing
      map.sources.forEach((source, i) => {
        const target = resolve(dirname(file), source);
        expect(target.startsWith(join(info.dir, 'src')), `${file} -> ${source}`).toBe(true);
        // The package does not ship src/: the map must carry the source itself.
        expect(map.sourcesContent?.[i], `${file} -> ${source}`).toBe(readFileSync(target, 'utf8'));
      });
    }
    expect(mapped).toBeGreaterThan(0);
  });

  it('ships no declaration map (no src/ to point at)', () => {
    const walk = (d) =>
      readdirSync(d, { withFileTypes: true }).flatMap((item) =>
        item.isDirectory() ? walk(join(d, item.name)) : [join(d, item.name)],
      );
    expect(walk(dist).filter((f) => f.endsWith('.d.ts.map'))).toEqual([]);
  });

  it('is readable: not minified', () => {
    for (const entry of info.entries) {
      const lines = readFileSync(join(info.dir, entry.js), 'utf8').split('\n');
      expect(Math.max(...lines.map((l) => l.length)), entry.js).toBeLessThan(400);
    }
  });

  it('exports the same class object from every entry that exports it', async () => {
    const seen = new Map();
    for (const entry of info.entries.filter((e) => e.kind === 'export')) {
      if (entry.specifier === '@uplink/testing/vitest') continue; // imported statically above
      const namespace = await import(pathToFileURL(join(info.dir, entry.js)).href);
      for (const [name, value] of Object.entries(namespace)) {
        if (typeof value !== 'function' || !/^class\b/.test(String(value))) continue;
        if (seen.has(name)) expect(value, `${name} in ${entry.specifier}`).toBe(seen.get(name));
        else seen.set(name, value);
      }
    }
  });
});

describe('instanceof across subpaths and packages (built output)', () => {
  fixtureTest(
    "@uplink/testing/vitest's mockPlatformClient fixture is the root entry's MockPlatformClient",
    ({ mockPlatformClient }) => {
      expect(mockPlatformClient).toBeInstanceOf(testingRoot.MockPlatformClient);
    },
  );

  it("@uplink/http/node throws @uplink/core-schemas' own ConfigurationError (plain Node)", () => {
    // A child process: inside vitest, bare @uplink imports are aliased to src/.
    const code = [
      "import { ConfigurationError } from '@uplink/core-schemas';",
      "import { createJsonLogger } from '@uplink/http/node';",
      "try { createJsonLogger({ level: 'loud' }); console.log('no error'); }",
      'catch (error) { console.log(error instanceof ConfigurationError); }',
    ].join('\n');
    const cwd = resolve(import.meta.dirname, '../../packages/worker-runtime');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('true');
  });
});

describe('the ai-spine bin', () => {
  const flow = packages.find((p) => p.name === '@uplink/flow-client');
  const bin = join(flow.dir, flow.pkg.bin['ai-spine']);

  it('keeps its shebang and its executable bit', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });
});
