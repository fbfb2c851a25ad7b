#!/usr/bin/env node
// `pnpm release:check` (run by .ci/run): the project's own release path, end to end, into a
// throwaway local registry, then every published package proven in a stranger's project.
//
//  1. Copies the repository (tracked and untracked, not ignored files) into a temporary folder
//     and installs it there, so the caller's tree is never touched (checked at the end).
//  2. Starts Verdaccio on 127.0.0.1 (a free port, storage in the temporary folder) serving only
//     `@uplink/*`; everything else comes from the npm registry through npm's cache.
//  3. Runs `pnpm version-packages` (changeset version + version sync) and `pnpm release` (build +
//     changeset publish) in the copy, with provenance off and the registry overridden.
//  4. Checks every published tarball (scripts/lib/tarball.mjs): no `workspace:` range, no test or
//     fixture, no undeclared import, maps that point at shipped files, CHANGELOG.md shipped; and
//     runs publint and attw on it.
//  5. For every package, in a fresh project outside the workspace: installs it alone with npm,
//     checks that exactly its own dependency chain came, imports every entry (one copy of each
//     class across entries), type-checks a consumer under node16, nodenext, bundler and a
//     browser profile (lib es2023 + dom, no Node types, skipLibCheck false) with TypeScript 7,
//     then installs @uplink/testing beside it and runs scripts/release-smoke/<pkg>.mjs. All
//     packages installed together are type-checked under the same profiles with TypeScript 5.
//     One package is also installed with pnpm.
//  6. Installs the `pnpm pack:all` tarballs (no registry at all) with npm and with pnpm, the way
//     docs/getting-started.md tells users to, and runs a program there.
// The registry is stopped and every temporary folder removed, on failure and on Ctrl-C too.
//
//   node scripts/release-check.mjs [--keep] [--measure]
//     --keep     keep the temporary folder (its path is printed) for a post-mortem
//     --measure  also print install footprint, import time and bundle size per package, beside
//                `openai` and `ky` installed alone the same way
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  diskUsage,
  expectedUplinkClosure,
  importCheckSource,
  importCheckTestSource,
  installedClosure,
  installedPackages,
  median,
  writeTypecheckProject,
} from './lib/consumer.mjs';
import { pool, run, stopAll } from './lib/proc.mjs';
import { packument, startRegistry } from './lib/registry.mjs';
import { inspectPackage, listFiles, unpack } from './lib/tarball.mjs';
import { listPackages, readJson, root } from './lib/workspace.mjs';

/** The whole check must end within this; it stops everything and fails past it. */
const DEADLINE_MS = 12 * 60_000;
/** Tools installed from the npm registry, once, into a cache folder of the caller's checkout. */
const TOOLS = { verdaccio: '6.10.4', typescript: '5.9.3' };
const TOOLS_DIR = join(root, 'node_modules', '.cache', 'uplink', 'release-tools');
const CONCURRENCY = 3;

const keep = process.argv.includes('--keep');
const measuring = process.argv.includes('--measure');
const work = mkdtempSync(join(tmpdir(), 'uplink-release-check-'));
const started = performance.now();
const failures = [];
const report = [];
let registry;

const callerStatus = gitStatus(root);
const deadline = setTimeout(() => {
  console.error(`release-check: over ${DEADLINE_MS / 60_000} minutes, stopping`);
  void cleanup().finally(() => process.exit(1));
}, DEADLINE_MS);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`release-check: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  failures.push(error.stack ?? String(error));
} finally {
  await cleanup();
}
if (gitStatus(root) !== callerStatus) {
  failures.push('the caller\u2019s working tree changed during the check (git status differs)');
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`\nrelease-check FAILED in ${seconds} s:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`\nrelease-check: every package published, installed and proven in ${seconds} s`);
process.exit(0);

async function main() {
  const env = cleanEnv();
  const tools = await step('tools (verdaccio, typescript 5)', () => ensureTools(env));
  const repo = join(work, 'repo');
  await step('copy the repository', () => copyRepository(root, repo));
  await step('pnpm install in the copy', () =>
    run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], {
      cwd: repo,
      env,
      timeoutMs: 300_000,
    }),
  );

  registry = await step('start the local registry', () =>
    startRegistry({ verdaccioBin: tools.verdaccio, dir: join(work, 'registry') }),
  );
  // Only @uplink goes to the local registry; provenance is off (no CI identity here).
  const releaseEnv = {
    ...env,
    NPM_CONFIG_USERCONFIG: registry.npmrc,
    npm_config_userconfig: registry.npmrc,
    NPM_CONFIG_PROVENANCE: 'false',
    CI: 'true',
  };

  const before = new Map(listPackagesIn(repo).map((p) => [p.name, p.version]));
  await step('pnpm version-packages', () =>
    run('pnpm', ['version-packages'], { cwd: repo, env: releaseEnv, timeoutMs: 120_000 }),
  );
  const packages = listPackagesIn(repo).filter((p) => !p.private);
  for (const p of packages) {
    if (p.version !== before.get(p.name) && !existsSync(join(p.dir, 'CHANGELOG.md'))) {
      failures.push(`${p.name}: bumped to ${p.version} but has no CHANGELOG.md`);
    }
  }
  console.log(
    `  versions: ${packages.map((p) => `${p.name.replace('@uplink/', '')} ${before.get(p.name)} -> ${p.version}`).join(', ')}`,
  );
  await step('pnpm release (build + changeset publish)', () =>
    run('pnpm', ['release'], { cwd: repo, env: releaseEnv, timeoutMs: 300_000 }),
  );

  const tarballs = await step('check every published tarball (with publint and attw)', () =>
    checkPublished(packages, join(work, 'published')),
  );
  const byName = new Map(listPackagesIn(repo).map((p) => [p.name, p]));
  await step(`prove each package in a fresh project (${CONCURRENCY} at a time)`, () =>
    pool(packages, CONCURRENCY, (info) =>
      proveWithNpm(info, byName, releaseEnv, tools).catch((error) => {
        failures.push(`${info.name}: ${error.message}`);
      }),
    ),
  );
  await step('type-check every package together with TypeScript 5', () =>
    typecheckAllWithTypeScript5(packages, releaseEnv, tools),
  );
  // pnpm once: the package with the longest @uplink chain that needs no peer installed.
  const forPnpm = packages
    .filter((p) => Object.keys(p.pkg.peerDependencies ?? {}).length === 0)
    .sort(
      (a, b) =>
        expectedUplinkClosure(b.name, byName).size - expectedUplinkClosure(a.name, byName).size,
    )[0];
  await step(`install ${forPnpm.name} alone with pnpm`, () =>
    proveWithPnpm(forPnpm, byName, releaseEnv),
  );
  await step('install the pack:all tarballs with npm and pnpm (no registry)', () =>
    proveLocalTarballs(repo, env),
  );
  if (measuring) await step('measure', () => measure(packages, tarballs, releaseEnv));
}

/** Runs one named step, printing its duration. */
async function step(name, fn) {
  const t = performance.now();
  process.stdout.write(`release-check: ${name} ...`);
  try {
    const result = await fn();
    console.log(` ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    console.log(' FAILED');
    throw error;
  }
}

/** The environment without npm/pnpm settings inherited from a parent `pnpm run`. */
function cleanEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_(config|package|lifecycle)_/i.test(key) && !/_(cache|store_dir)$/i.test(key)) {
      continue;
    }
    env[key] = value;
  }
  return {
    ...env,
    TURBO_TELEMETRY_DISABLED: '1',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  };
}

/** Installs the pinned tools once (reused on later runs); returns their entry scripts. */
async function ensureTools(env) {
  const manifest = { private: true, dependencies: TOOLS };
  const file = join(TOOLS_DIR, 'package.json');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const wanted = `${JSON.stringify(manifest, null, 2)}\n`;
  const installed = Object.entries(TOOLS).every(([name, version]) => {
    const p = join(TOOLS_DIR, 'node_modules', name, 'package.json');
    return existsSync(p) && readJson(p).version === version;
  });
  if (current !== wanted || !installed) {
    mkdirSync(TOOLS_DIR, { recursive: true });
    writeFileSync(file, wanted);
    await run('npm', ['install', '--no-package-lock', '--prefer-offline'], {
      cwd: TOOLS_DIR,
      env,
      timeoutMs: 300_000,
    });
  }
  return {
    verdaccio: join(TOOLS_DIR, 'node_modules', 'verdaccio', 'bin', 'verdaccio'),
    tsc5: join(TOOLS_DIR, 'node_modules', 'typescript', 'bin', 'tsc'),
    tsc7: join(root, 'node_modules', '.bin', 'tsc'),
  };
}

/** Copies tracked and untracked (not ignored) files, then makes the copy a git repository. */
function copyRepository(from, to) {
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: from,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter(Boolean);
  for (const file of new Set(files)) {
    const source = join(from, file);
    if (!existsSync(source)) continue; // deleted in the working tree
    const stat = lstatSync(source);
    if (stat.isSymbolicLink() || !stat.isFile()) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(source, join(to, file)); // keeps the mode (the bin's executable bit)
  }
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: to,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'release-check',
        GIT_AUTHOR_EMAIL: 'release-check@localhost',
        GIT_COMMITTER_NAME: 'release-check',
        GIT_COMMITTER_EMAIL: 'release-check@localhost',
      },
    });
  git('init', '-q', '-b', 'main');
  // changeset publish tags each release (annotated tags need an identity).
  git('config', 'user.name', 'release-check');
  git('config', 'user.email', 'release-check@localhost');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'release-check snapshot');
}

/** The packages of the copy (as listPackages reads them, with paths into the copy). */
function listPackagesIn(repo) {
  return listPackages().map((p) => {
    const dir = join(repo, 'packages', p.dirName);
    const pkg = readJson(join(dir, 'package.json'));
    return { ...p, dir, pkg, version: pkg.version };
  });
}

/** Downloads each published tarball and inspects it. Returns name -> unpacked folder. */
async function checkPublished(packages, dir) {
  const unpacked = new Map();
  const tarballs = [];
  for (const info of packages) {
    const doc = await packument(registry.url, info.name);
    const published = doc?.versions?.[info.version];
    if (!published) {
      failures.push(`${info.name}@${info.version} was not published to the local registry`);
      continue;
    }
    const response = await fetch(published.dist.tarball, { signal: AbortSignal.timeout(30_000) });
    const tarball = join(dir, `${info.dirName}.tgz`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(tarball, Buffer.from(await response.arrayBuffer()));
    const folder = unpack(tarball, join(dir, info.dirName));
    for (const problem of await inspectPackage(folder, { sourceDir: info.dir })) {
      failures.push(`${info.name}@${info.version} as published: ${problem}`);
    }
    unpacked.set(info.name, folder);
    tarballs.push([info, tarball]);
  }
  // The same linters as the packaging gate, now on tarballs that carry a CHANGELOG.md.
  const bin = (name) => join(root, 'node_modules', '.bin', name);
  await pool(tarballs, CONCURRENCY, async ([info, tarball]) => {
    for (const [tool, args] of [
      ['publint', ['run', tarball, '--strict', '--pack', 'false']],
      ['attw', [tarball, '--profile', 'esm-only', '--format', 'ascii']],
    ]) {
      await run(bin(tool), args, { cwd: root, timeoutMs: 120_000 }).catch((error) => {
        failures.push(
          `${info.name}@${info.version} as published: ${tool} failed: ${error.message}`,
        );
      });
    }
  });
  return unpacked;
}

/** A fresh project folder with a package.json. */
function freshProject(name) {
  const dir = join(work, 'consumers', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  return dir;
}

/** Compares what an install brought with what `info` declares. */
function checkTree(info, dir, byName, { strictExtraneous = true } = {}) {
  const installed = installedPackages(dir);
  const names = new Set(installed.map((p) => p.name));
  const expected = expectedUplinkClosure(info.name, byName);
  const uplink = [...names].filter((n) => n.startsWith('@uplink/'));
  const unexpected = uplink.filter((n) => !expected.has(n));
  const missing = [...expected].filter((n) => !names.has(n));
  if (unexpected.length > 0)
    throw new Error(`installing it alone also brought ${unexpected.join(', ')}`);
  if (missing.length > 0)
    throw new Error(`installing it alone did not bring ${missing.join(', ')}`);
  if (strictExtraneous) {
    const closure = installedClosure(installed, [info.name]);
    const extraneous = [...names].filter((n) => !closure.has(n));
    if (extraneous.length > 0) {
      throw new Error(
        `the install holds packages outside its dependency chain: ${extraneous.join(', ')}`,
      );
    }
  }
  return installed;
}

/** Installs one package alone with npm and proves it (see the header, step 5). */
async function proveWithNpm(info, byName, env, tools) {
  const dir = freshProject(`npm-${info.dirName}`);
  const npm = (args, timeoutMs = 180_000) =>
    run('npm', [...args, '--prefer-offline'], { cwd: dir, env, timeoutMs });
  await npm(['install', `${info.name}@${info.version}`]);
  const installed = checkTree(info, dir, byName);

  // Declared peers (vitest for @uplink/testing/vitest) are the user's to install.
  const peers = Object.entries(info.pkg.peerDependencies ?? {}).map(([n, r]) => `${n}@${r}`);
  if (peers.length > 0) await npm(['install', ...peers]);
  const exportsOf = info.entries.filter((e) => e.kind === 'export');
  await importEveryEntry(info, dir, env);

  const testing = byName.get('@uplink/testing');
  const beside = info.name === testing.name ? [] : [`${testing.name}@${testing.version}`];
  await npm(['install', `@types/node@${typesNodeRange()}`, ...beside]);
  const configs = writeTypecheckProject(dir, exportsOf);
  await run(tools.tsc7, ['-b', '--force', ...configs], { cwd: dir, env, timeoutMs: 180_000 }).catch(
    (error) => {
      throw new Error(
        `consumer type-check (TypeScript 7: ${configs.join(', ')}) failed: ${error.message}`,
      );
    },
  );

  const program = join(root, 'scripts', 'release-smoke', `${info.dirName}.mjs`);
  if (!existsSync(program)) {
    throw new Error(`no smoke program: add scripts/release-smoke/${info.dirName}.mjs`);
  }
  copyFileSync(program, join(dir, 'program.mjs'));
  const { stdout } = await run(process.execPath, ['program.mjs'], {
    cwd: dir,
    env,
    timeoutMs: 120_000,
  });
  console.log(
    `\n  ok ${info.name} (npm, ${installed.length} packages): ${stdout.trim().split('\n').pop()}`,
  );
}

/**
 * Imports every entry in a Node process, or inside a vitest run when the package peer-depends
 * on vitest (its fixtures entry only loads there).
 */
async function importEveryEntry(info, dir, env) {
  const specifiers = info.entries.filter((e) => e.kind === 'export').map((e) => e.specifier);
  if (info.pkg.peerDependencies?.vitest) {
    writeFileSync(join(dir, 'import-all.test.mjs'), importCheckTestSource(specifiers));
    await run(join(dir, 'node_modules', '.bin', 'vitest'), ['run', '--root', dir], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    });
  } else {
    writeFileSync(join(dir, 'import-all.mjs'), importCheckSource(specifiers));
    await run(process.execPath, ['import-all.mjs'], { cwd: dir, env, timeoutMs: 60_000 });
  }
}

/** The @types/node range the workspace builds with. */
function typesNodeRange() {
  return readJson(join(root, 'package.json')).devDependencies['@types/node'];
}

/**
 * Every package installed together (with vitest and Node types) and type-checked with
 * TypeScript 5, the major most users have today, under every profile.
 */
async function typecheckAllWithTypeScript5(packages, env, tools) {
  const dir = freshProject('all-typescript-5');
  const specs = packages.map((p) => `${p.name}@${p.version}`);
  const peers = packages.flatMap((p) =>
    Object.entries(p.pkg.peerDependencies ?? {}).map(([n, r]) => `${n}@${r}`),
  );
  await run(
    'npm',
    ['install', ...specs, ...peers, `@types/node@${typesNodeRange()}`, '--prefer-offline'],
    {
      cwd: dir,
      env,
      timeoutMs: 240_000,
    },
  );
  const entries = packages.flatMap((p) => p.entries.filter((e) => e.kind === 'export'));
  const configs = writeTypecheckProject(dir, entries);
  await run(process.execPath, [tools.tsc5, '-b', '--force', ...configs], {
    cwd: dir,
    env,
    timeoutMs: 240_000,
  }).catch((error) => {
    throw new Error(
      `consumer type-check (TypeScript 5: ${configs.join(', ')}) failed: ${error.message}`,
    );
  });
}

/** Installs one package alone with pnpm: only its chain in the store, every entry loads. */
async function proveWithPnpm(info, byName, env) {
  const dir = freshProject(`pnpm-${info.dirName}`);
  await run('pnpm', ['add', `${info.name}@${info.version}`, '--prefer-offline'], {
    cwd: dir,
    env,
    timeoutMs: 180_000,
  });
  // pnpm keeps every package of the install in node_modules/.pnpm/<name>@<version>[_peers].
  const store = join(dir, 'node_modules', '.pnpm');
  const names = readdirSync(store)
    .filter((d) => d.includes('@') && d !== 'node_modules')
    .map((d) => d.replace(/^@([^+]+)\+/, '@$1/').replace(/(.)@.*$/, '$1'));
  const expected = expectedUplinkClosure(info.name, byName);
  const uplink = names.filter((n) => n.startsWith('@uplink/'));
  const unexpected = uplink.filter((n) => !expected.has(n));
  const missing = [...expected].filter((n) => !uplink.includes(n));
  if (unexpected.length > 0) throw new Error(`pnpm also installed ${unexpected.join(', ')}`);
  if (missing.length > 0) throw new Error(`pnpm did not install ${missing.join(', ')}`);
  await importEveryEntry(info, dir, env);
  console.log(`\n  ok ${info.name} with pnpm: ${names.length} packages (${uplink.join(', ')})`);
}

/**
 * `pnpm pack:all` in the copy, then a project that depends on the tarballs with the overrides
 * it wrote, installed with npm and with pnpm while `@uplink` points at a closed port: any
 * registry lookup of our packages would fail the install.
 */
async function proveLocalTarballs(repo, env) {
  const packs = join(work, 'packs');
  await run(process.execPath, ['scripts/pack-all.mjs', '--out', packs], {
    cwd: repo,
    env,
    timeoutMs: 120_000,
  });
  const { overrides } = readJson(join(packs, 'overrides.json'));
  const npmrc = join(work, 'no-uplink-registry.npmrc');
  writeFileSync(npmrc, '@uplink:registry=http://127.0.0.1:9/\n');
  const offline = { ...env, NPM_CONFIG_USERCONFIG: npmrc, npm_config_userconfig: npmrc };
  for (const client of ['npm', 'pnpm']) {
    const dir = freshProject(`packs-${client}`);
    const manifest = readJson(join(dir, 'package.json'));
    manifest.dependencies = {
      '@uplink/orch-client': overrides['@uplink/orch-client'],
      '@uplink/testing': overrides['@uplink/testing'],
    };
    Object.assign(manifest, readJson(join(packs, 'overrides.json')));
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await run(client, ['install', '--prefer-offline'], {
      cwd: dir,
      env: offline,
      timeoutMs: 180_000,
    });
    copyFileSync(
      join(root, 'scripts', 'release-smoke', 'orch-client.mjs'),
      join(dir, 'program.mjs'),
    );
    const { stdout } = await run(process.execPath, ['program.mjs'], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    });
    console.log(`\n  ok ${client} with pack:all tarballs: ${stdout.trim().split('\n').pop()}`);
  }
}

/** Footprint, import time and bundle size of each package, and of openai and ky alone. */
async function measure(packages, tarballs, env) {
  const rows = [];
  const measureOne = async (label, spec, entry) => {
    const dir = freshProject(`measure-${label.replace(/[@/]/g, '_')}`);
    await run('npm', ['install', spec, '--prefer-offline'], { cwd: dir, env, timeoutMs: 180_000 });
    const installed = installedPackages(dir);
    const { bytes } = diskUsage(join(dir, 'node_modules'));
    const times = [];
    for (let i = 0; i < 10; i++) {
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t = performance.now(); await import(${JSON.stringify(entry)}); console.log(performance.now() - t);`,
        ],
        { cwd: dir, env, timeoutMs: 60_000 },
      );
      times.push(Number(stdout.trim()));
    }
    const bundled = await build({
      stdin: { contents: `export * from ${JSON.stringify(entry)};`, resolveDir: dir },
      bundle: true,
      minify: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['import', 'default'],
      external: ['node:*'],
      logLevel: 'silent',
    }).catch(() => undefined);
    const code = bundled?.outputFiles[0]?.contents;
    rows.push({
      label,
      packages: installed.length,
      mb: bytes / 1e6,
      importMs: median(times),
      gzip: code ? gzipSync(code, { level: 9 }).byteLength : undefined,
      ...(tarballs.has(label) ? tarballSize(tarballs.get(label)) : {}),
    });
  };
  for (const info of packages)
    await measureOne(info.name, `${info.name}@${info.version}`, info.name);
  for (const other of ['openai', 'ky']) await measureOne(other, other, other);
  console.log(
    '\n  | package | installed packages | node_modules MB | import ms (median of 10) | entry min+gzip KiB | unpacked KB | files |',
  );
  console.log('  |---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `  | ${r.label} | ${r.packages} | ${r.mb.toFixed(2)} | ${r.importMs.toFixed(1)} | ${r.gzip === undefined ? 'n/a' : (r.gzip / 1024).toFixed(1)} | ${r.unpackedKb?.toFixed(1) ?? ''} | ${r.files ?? ''} |`,
    );
  }
  report.push(...rows);
}

function tarballSize(folder) {
  const { bytes, files } = diskUsage(folder);
  return { unpackedKb: bytes / 1000, files: listFiles(folder).length || files };
}

function gitStatus(dir) {
  return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
    cwd: dir,
    encoding: 'utf8',
  });
}

async function cleanup() {
  clearTimeout(deadline);
  await stopAll();
  registry = undefined;
  if (keep) console.log(`release-check: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
