#!/usr/bin/env node
// Packaging gate, run by `pnpm lint` and CI: every publishable package is packed the way
// `pnpm publish` would pack it, then the tarball is checked with publint and
// @arethetypeswrong/cli, and every runtime-neutral entry is bundled for a neutral platform
// (which fails on any `node:` import). Prints the min+gzip size of each neutral entry.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
// Entries that must run in browsers, Deno, workers... (everything but these Node-only subpaths).
const NODE_ONLY = new Set([
  '@uplink/http/node',
  '@uplink/testing',
  '@uplink/testing/vitest',
  '@uplink/worker-runtime',
]);

const only = process.argv.slice(2);
const dirs = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .filter((d) => only.length === 0 || only.some((o) => d.endsWith(o)));

const out = mkdtempSync(join(tmpdir(), 'uplink-pack-'));
const failures = [];
const sizes = [];
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

try {
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    if (!existsSync(join(dir, 'dist'))) {
      failures.push(`${pkg.name}: no dist/ (run pnpm build first)`);
      continue;
    }
    const packed = run('pnpm', ['pack', '--pack-destination', out], dir).trim().split('\n').pop();
    const tarball = packed.startsWith('/') ? packed : join(out, packed.split('/').pop());
    for (const [tool, args] of [
      ['publint', ['exec', 'publint', 'run', tarball, '--strict', '--pack', 'false']],
      [
        'attw',
        ['exec', 'attw', tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji'],
      ],
    ]) {
      try {
        run('pnpm', args, root);
        console.log(`ok   ${tool.padEnd(7)} ${pkg.name}`);
      } catch (error) {
        failures.push(`${pkg.name}: ${tool} failed\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (typeof target === 'string') continue;
      const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      if (NODE_ONLY.has(specifier)) continue;
      try {
        const result = await build({
          entryPoints: [join(dir, target.import)],
          bundle: true,
          minify: true,
          write: false,
          format: 'esm',
          platform: 'neutral',
          mainFields: ['module', 'main'],
          logLevel: 'silent',
        });
        const code = result.outputFiles[0].contents;
        sizes.push([specifier, code.length, gzipSync(code).length]);
      } catch (error) {
        failures.push(`${specifier}: not runtime-neutral\n${error.message}`);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (sizes.length > 0) {
  console.log('\nruntime-neutral entries (bundled alone, deps included):');
  for (const [name, min, gz] of sizes) {
    console.log(
      `  ${name.padEnd(34)} ${(min / 1024).toFixed(1).padStart(7)} KiB min  ${(gz / 1024).toFixed(1).padStart(6)} KiB min+gzip`,
    );
  }
}
if (failures.length > 0) {
  console.error(`\n${failures.length} packaging problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nall packages pass publint and attw');
