// Packs a package the way `pnpm publish` does and checks what a user would receive: no
// `workspace:` range, no test or fixture, every exported file present, a runnable bin, source
// maps and declaration maps that point at shipped files, no import of an undeclared package.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import { isNodeBuiltin, packageNameOf } from './workspace.mjs';

const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
];
/** Paths that only a test run needs. */
const TEST_PATH =
  /(^|\/)(test|tests|__tests__|__mocks__|fixtures?|__fixtures__|bench|coverage)\/|\.(test|spec|test-d|bench)\.[cm]?[jt]sx?$|\.tsbuildinfo$/;

/** Packs `dir` with pnpm (which rewrites `workspace:` ranges) into `dest`; returns the tarball. */
export function pack(dir, dest) {
  mkdirSync(dest, { recursive: true });
  const out = execFileSync('pnpm', ['pack', '--pack-destination', dest], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = out.trim().split('\n').pop().trim();
  return last.startsWith('/') ? last : join(dest, last.split('/').pop());
}

/** Unpacks a tarball into `dest` (modes kept); returns the package root (`dest/package`). */
export function unpack(tarball, dest) {
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dest]);
  return join(dest, 'package');
}

/** Every file under `folder`, as `/`-separated paths relative to it. */
export function listFiles(folder) {
  const files = [];
  const walk = (d) => {
    for (const item of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, item.name);
      if (item.isDirectory()) walk(path);
      else files.push(relative(folder, path).split(sep).join('/'));
    }
  };
  walk(folder);
  return files.sort();
}

/**
 * Checks an unpacked package (`root`, as `unpack` returns it) against its source folder
 * `sourceDir` (for files that must be shipped when they exist, such as CHANGELOG.md).
 * Returns a list of problems, empty when the package is clean.
 */
export async function inspectPackage(root, { sourceDir } = {}) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const files = listFiles(root);
  const shipped = new Set(files);
  const problems = [];

  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${field}.${dep} is still "${range}" (publish with pnpm, which rewrites it)`);
      }
    }
  }
  if (manifest.publishConfig?.provenance !== undefined) {
    problems.push(
      'publishConfig.provenance is set: it makes every publish outside GitHub Actions fail; CI turns provenance on with NPM_CONFIG_PROVENANCE',
    );
  }
  for (const file of files) {
    if (TEST_PATH.test(file)) problems.push(`ships a test, fixture or build-cache file: ${file}`);
  }

  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const targets = typeof target === 'string' ? [target] : Object.values(target);
    for (const t of targets) {
      if (!shipped.has(t.replace(/^\.\//, ''))) {
        problems.push(`exports["${subpath}"] points at ${t}, which is not in the tarball`);
      }
    }
  }
  const bins = typeof manifest.bin === 'string' ? { bin: manifest.bin } : (manifest.bin ?? {});
  for (const [command, target] of Object.entries(bins)) {
    const file = target.replace(/^\.\//, '');
    if (!shipped.has(file)) {
      problems.push(`bin ${command} points at ${target}, which is not in the tarball`);
      continue;
    }
    if (!readFileSync(join(root, file), 'utf8').startsWith('#!/usr/bin/env node')) {
      problems.push(`bin ${command} (${target}) does not start with "#!/usr/bin/env node"`);
    }
    if ((statSync(join(root, file)).mode & 0o111) === 0) {
      problems.push(`bin ${command} (${target}) is not executable`);
    }
  }

  problems.push(...checkSourceMaps(root, files, shipped));

  if (sourceDir) {
    for (const always of ['README.md', 'LICENSE', 'CHANGELOG.md']) {
      if (existsSync(join(sourceDir, always)) && !shipped.has(always)) {
        problems.push(`${always} exists in the package folder but is not in the tarball`);
      }
    }
  }
  if (shipped.has('README.md')) problems.push(...checkReadmeLinks(root, shipped));

  problems.push(...(await checkImports(root, files, manifest)));
  return problems;
}

/** Every `sources` entry of every .map resolves to a shipped file, or its content is inlined. */
function checkSourceMaps(root, files, shipped) {
  const problems = [];
  for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
    const text = readFileSync(join(root, file), 'utf8');
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
    if (url && !url.startsWith('data:')) {
      const map = join(dirname(file), url).split(sep).join('/');
      if (!shipped.has(map)) problems.push(`${file} names ${url}, which is not in the tarball`);
    }
  }
  for (const file of files.filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(root, file), 'utf8'));
    const base = join(dirname(join(root, file)), map.sourceRoot ?? '');
    map.sources.forEach((source, i) => {
      if (typeof map.sourcesContent?.[i] === 'string') return;
      const target = resolve(base, source);
      const inside = relative(root, target).split(sep).join('/');
      if (inside.startsWith('..') || !shipped.has(inside)) {
        problems.push(`${file} maps to ${source}, which is not in the tarball (and not inlined)`);
      }
    });
  }
  return problems;
}

/** Relative README links that stay inside the package must point at shipped files. */
function checkReadmeLinks(root, shipped) {
  const problems = [];
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  for (const [, href] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) continue;
    const path = href.split('#')[0].replace(/^\.\//, '').replace(/\/$/, '');
    if (path === '' || path.startsWith('../')) continue; // leaves the package: not ours to ship
    const isShipped = shipped.has(path) || [...shipped].some((f) => f.startsWith(`${path}/`));
    if (!isShipped) problems.push(`README.md links to ${href}, which is not in the tarball`);
  }
  return problems;
}

/**
 * Bundles every shipped .js file with all bare imports kept external, recording them: each must
 * be a Node built-in or a declared dependency/peerDependency. A relative import of a file that
 * is not in the tarball fails the bundle, so broken chunk references are caught too.
 */
async function checkImports(root, files, manifest) {
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const builtins = new Set(builtinModules);
  const problems = [];
  const entryPoints = files.filter((f) => f.endsWith('.js')).map((f) => join(root, f));
  if (entryPoints.length === 0) return problems;
  const undeclared = new Map();
  try {
    await build({
      entryPoints,
      bundle: true,
      write: false,
      outdir: join(root, '.inspect-out'),
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
      plugins: [
        {
          name: 'record-bare-imports',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) => {
              if (!isNodeBuiltin(args.path, builtins) && !declared.has(packageNameOf(args.path))) {
                undeclared.set(args.path, relative(root, args.importer));
              }
              return { external: true };
            });
          },
        },
      ],
    });
  } catch (error) {
    problems.push(`the shipped JavaScript does not bundle: ${error.message}`);
  }
  for (const [specifier, importer] of undeclared) {
    problems.push(
      `${importer} imports ${specifier}, which is not in dependencies or peerDependencies`,
    );
  }
  return problems;
}
