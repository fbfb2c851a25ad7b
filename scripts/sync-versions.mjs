#!/usr/bin/env node
// Keep each package's `src/version.ts` (the version sent in its User-Agent) equal to its
// package.json version. `pnpm version-packages` runs it right after `changeset version`;
// `--check` (run by the packaging gate) only reports drift.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const VERSION_CONSTANT = /(export const \w+ = ')([^']*)(';)/;
const drift = [];

for (const dir of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', dir, 'src', 'version.ts');
  if (!existsSync(file)) continue;
  const { name, version } = JSON.parse(
    readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'),
  );
  const source = readFileSync(file, 'utf8');
  const current = VERSION_CONSTANT.exec(source)?.[2];
  if (current === undefined) {
    drift.push(`${name}: src/version.ts has no \`export const X = '<version>'\``);
  } else if (current !== version) {
    if (check) drift.push(`${name}: src/version.ts says ${current}, package.json says ${version}`);
    else {
      writeFileSync(file, source.replace(VERSION_CONSTANT, `$1${version}$3`));
      console.log(`sync-versions: ${name} ${current} -> ${version}`);
    }
  }
}
if (drift.length > 0) {
  console.error(`version drift (run node scripts/sync-versions.mjs):\n- ${drift.join('\n- ')}`);
  process.exit(1);
}
