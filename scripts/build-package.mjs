#!/usr/bin/env node
// Builds one package's JavaScript (run from the package folder by its `build` script, after
// `tsc -b` has written the declarations): one ESM bundle per `exports` entry and per `bin`,
// at the same dist/<entry>.js path the exports map names. Entries of one package are built in
// one esbuild call with code splitting, so code they share sits in one chunk and each class
// exists once (`instanceof` holds across subpaths). Dependencies and peer dependencies stay
// external; an import of anything else fails the build. Runtime-neutral entries must not reach
// a Node built-in (checked on the output graph). No minification: stack traces stay readable.
// Source maps carry the TypeScript sources (sourcesContent), so debuggers show them without the
// package shipping src/.
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describePackage, isNodeBuiltin, packageNameOf, readJson } from './lib/workspace.mjs';

const dir = resolve(process.argv[2] ?? process.cwd());
const info = describePackage(dir);
const builtins = new Set(builtinModules);
const allowed = new Set(info.runtimeDeps);

const tsconfig = readJson(join(dir, 'tsconfig.json'));
if (tsconfig.compilerOptions?.emitDeclarationOnly !== true) {
  fail(
    `${info.name}: tsconfig.json must set "emitDeclarationOnly": true (tsc writes the .d.ts files, esbuild the .js bundles)`,
  );
}

// Per-file JavaScript from an older build would still be packed: remove every .js and .js.map.
// tsc -b never deletes the declarations of a source file that is gone, so remove those too;
// the others stay, so tsc -b remains incremental.
const dist = join(dir, 'dist');
for (const file of walk(dist)) {
  if (/\.js(\.map)?$/.test(file)) rmSync(file);
  const declared = /^(.*)\.d\.ts(\.map)?$/.exec(relative(dist, file))?.[1];
  if (declared !== undefined && !existsSync(join(dir, 'src', `${declared}.ts`))) rmSync(file);
  // A declaration map its .d.ts no longer names (declarationMap is off) would ship for nothing.
  else if (file.endsWith('.d.ts.map') && existsSync(file.slice(0, -4))) {
    const name = file.split('/').pop();
    if (!readFileSync(file.slice(0, -4), 'utf8').includes(`sourceMappingURL=${name}`)) rmSync(file);
  }
}

const allNodeOnly = info.entries.every((e) => e.nodeOnly);
const entryPoints = info.entries.map((e) => ({
  in: join(dir, e.source),
  out: e.js.replace(/^\.\/dist\//, '').replace(/\.js$/, ''),
}));

/** Keeps dependencies and built-ins external; any other bare import is a packaging bug. */
const declaredImportsOnly = {
  name: 'declared-imports-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isNodeBuiltin(args.path, builtins)) return { external: true };
      if (allowed.has(packageNameOf(args.path))) return { external: true };
      return {
        errors: [
          {
            text: `${args.path} is imported by ${relative(dir, args.importer)} but is not in ${info.name}'s dependencies or peerDependencies`,
          },
        ],
      };
    });
  },
};

const result = await build({
  absWorkingDir: dir,
  entryPoints,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  // One call per package keeps one copy of each class; a package with any runtime-neutral
  // entry is built for the neutral platform (the graph check below keeps Node out of those).
  platform: allNodeOnly ? 'node' : 'neutral',
  target: 'es2023',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: true,
  minify: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [declaredImportsOnly],
}).catch(() => fail(`${info.name}: esbuild failed (see above)`));

// Neutral entries: walk each one's output graph (its chunks included) for a Node built-in.
const outputs = result.metafile.outputs;
const problems = [];
for (const entry of info.entries.filter((e) => !e.nodeOnly)) {
  const start = relative(dir, join(dir, entry.js));
  const seen = new Set();
  const queue = [[start, [start]]];
  while (queue.length > 0) {
    const [file, chain] = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.external && isNodeBuiltin(imp.path, builtins)) {
        problems.push(
          `${entry.specifier} is runtime-neutral but reaches ${imp.path} (${[...chain].join(' -> ')})`,
        );
      } else if (!imp.external) {
        queue.push([imp.path, [...chain, imp.path]]);
      }
    }
  }
}
if (problems.length > 0) fail(problems.join('\n'));

for (const entry of info.entries.filter((e) => e.kind === 'bin')) {
  const file = join(dir, entry.js);
  if (!readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node')) {
    fail(`${entry.specifier}: ${entry.js} must start with "#!/usr/bin/env node"`);
  }
  chmodSync(file, statSync(file).mode | 0o111);
}

function* walk(folder) {
  if (!existsSync(folder)) return;
  for (const item of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, item.name);
    if (item.isDirectory()) yield* walk(path);
    else yield path;
  }
}

function fail(message) {
  console.error(`build-package: ${message}`);
  process.exit(1);
}
