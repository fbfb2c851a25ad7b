import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests run against each package's TypeScript source, not its dist/, so a change in
// core-schemas is seen by the http tests without a rebuild and coverage maps to src/.
// The alias list is derived from each package's `exports` map (dist/x.js -> src/x.ts),
// so a new subpath export needs no change here.
const root = import.meta.dirname;
const packageDirs = readdirSync(resolve(root, 'packages')).filter((d) =>
  existsSync(resolve(root, 'packages', d, 'package.json')),
);

const alias: { find: string | RegExp; replacement: string }[] = [];
for (const dir of packageDirs) {
  const pkg = JSON.parse(readFileSync(resolve(root, 'packages', dir, 'package.json'), 'utf8'));
  for (const [subpath, target] of Object.entries<Record<string, string> | string>(
    pkg.exports ?? {},
  )) {
    if (typeof target === 'string') continue;
    const built = target.import ?? target.default;
    if (!built) continue;
    const source = built.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    alias.push({
      find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
      replacement: resolve(root, 'packages', dir, source),
    });
  }
}

const projectDirs = [
  ...packageDirs.map((d) => `packages/${d}`),
  ...(existsSync(resolve(root, 'apps'))
    ? readdirSync(resolve(root, 'apps')).map((d) => `apps/${d}`)
    : []),
].filter((d) => existsSync(resolve(root, d, 'package.json')));

export default defineConfig({
  resolve: { alias },
  test: {
    projects: projectDirs
      .map((dir) => ({
        resolve: { alias },
        test: {
          name: dir.split('/')[1],
          root: resolve(root, dir),
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      }))
      .concat({
        // The repository's own scripts (scripts/check-docs.mjs and friends).
        resolve: { alias },
        test: {
          name: 'scripts',
          root: resolve(root, 'scripts'),
          include: ['test/**/*.test.mjs'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      }),
    coverage: {
      provider: 'v8',
      // Relative to each project's root, so this covers every package's (and app's) src/.
      include: ['**/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/index.ts', '**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: Object.fromEntries(
        packageDirs.map((d) => [`**/packages/${d}/src/**/*.ts`, { lines: 80 }]),
      ),
    },
  },
});
