#!/usr/bin/env node
// `pnpm pack:all`: packs every publishable package into one folder, so a project outside this
// repository can use Uplink before (or without) a registry. pnpm pack turns `workspace:^` into
// `^<version>`, a range no public registry can serve yet; the `overrides` it writes beside the
// tarballs point every `@uplink/*` name at its tarball, which npm (`overrides`) and pnpm
// (`pnpm.overrides`) both honour for direct and transitive dependencies alike.
// See docs/getting-started.md, "Use it from your own project".
//
//   node scripts/pack-all.mjs [--out <dir>]   (default: packs/ in the repository)
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pack } from './lib/tarball.mjs';
import { listPackages, root } from './lib/workspace.mjs';

/**
 * Packs every public package into `outDir` (old `uplink-*.tgz` there are removed first) and
 * writes `overrides.json`. Returns `{ tarballs: Map<name, path>, overrides }`.
 */
export function packAll(outDir) {
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(outDir)) {
    if (/^uplink-.*\.tgz$/.test(file)) rmSync(join(outDir, file));
  }
  const tarballs = new Map();
  for (const info of listPackages().filter((p) => !p.private)) {
    if (!existsSync(join(info.dir, 'dist'))) {
      throw new Error(`${info.name} has no dist/: run pnpm build first (pnpm pack:all does)`);
    }
    tarballs.set(info.name, pack(info.dir, outDir));
  }
  const specs = Object.fromEntries(
    [...tarballs].map(([name, file]) => [name, `file:${resolve(file)}`]),
  );
  const overrides = { overrides: specs, pnpm: { overrides: specs } };
  writeFileSync(join(outDir, 'overrides.json'), `${JSON.stringify(overrides, null, 2)}\n`);
  return { tarballs, overrides };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--out');
  const outDir = resolve(at === -1 ? join(root, 'packs') : process.argv[at + 1]);
  const { tarballs } = packAll(outDir);
  console.log(`packed ${tarballs.size} packages into ${outDir}:`);
  for (const file of tarballs.values()) console.log(`  ${basename(file)}`);
  console.log(
    `\nIn your project, merge ${join(outDir, 'overrides.json')} into package.json (both keys),\nthen add a package by its tarball, e.g.\n  npm install ${tarballs.get('@uplink/orch-client') ?? [...tarballs.values()][0]}\n  pnpm add ${tarballs.get('@uplink/orch-client') ?? [...tarballs.values()][0]}\n(docs/getting-started.md, "Use it from your own project").`,
  );
}
