// What the build, packaging and release scripts know about the workspace, read from each
// package's own package.json (its `exports` map, `bin`, dependencies), so a new package under
// packages/ is covered the moment it exists. The one rule that differs per entry, whether it
// is Node-only, lives in scripts/size-budgets.json (`nodeOnly`) beside the size budgets.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');
export const budgetsFile = join(root, 'scripts', 'size-budgets.json');

/** Reads and parses a JSON file. */
export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The budgets file: `nodeOnly` entries, `entries` budgets, `apps` bundles (bytes, min+gzip). */
export function readBudgets() {
  return readJson(budgetsFile);
}

/** `@scope/name` plus a subpath key of an `exports` map (`.`, `./node`) as an import specifier. */
export function specifierOf(name, subpath) {
  return subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
}

/** The TypeScript source an emitted `./dist/x.js` (or `.d.ts`) comes from: `src/x.ts`. */
export function sourceOf(distPath) {
  return distPath.replace(/^\.\/dist\//, 'src/').replace(/\.(d\.ts|js)$/, '.ts');
}

/**
 * Every package under packages/ (private ones included, flagged), with its entries: one per
 * object-valued `exports` key, and one per `bin`. Each entry says whether it is Node-only.
 */
export function listPackages({ nodeOnly = new Set(readBudgets().nodeOnly ?? []) } = {}) {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((d) => describePackage(d, nodeOnly));
}

/** One package's facts (see listPackages). */
export function describePackage(dir, nodeOnly = new Set(readBudgets().nodeOnly ?? [])) {
  const pkg = readJson(join(dir, 'package.json'));
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') continue; // ./package.json
    const js = target.import ?? target.default;
    const specifier = specifierOf(pkg.name, subpath);
    entries.push({
      kind: 'export',
      subpath,
      specifier,
      js,
      types: target.types,
      source: sourceOf(js),
      nodeOnly: nodeOnly.has(specifier),
    });
  }
  const bins = typeof pkg.bin === 'string' ? { [pkg.name.split('/').pop()]: pkg.bin } : pkg.bin;
  for (const [command, js] of Object.entries(bins ?? {})) {
    entries.push({
      kind: 'bin',
      command,
      specifier: `${pkg.name} (bin ${command})`,
      js: js.startsWith('./') ? js : `./${js}`,
      source: sourceOf(js.startsWith('./') ? js : `./${js}`),
      nodeOnly: true,
    });
  }
  const runtimeDeps = [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ];
  return {
    dir,
    dirName: dir.split('/').pop(),
    name: pkg.name,
    version: pkg.version,
    private: pkg.private === true,
    pkg,
    entries,
    runtimeDeps,
  };
}

/** The bare package name of an import specifier (`@a/b/c` -> `@a/b`, `x/y` -> `x`). */
export function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True for `node:fs` and bare Node built-ins (`fs`, `fs/promises`). */
export function isNodeBuiltin(specifier, builtins) {
  return specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]);
}
