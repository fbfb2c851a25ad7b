#!/usr/bin/env node
// Packaging gate, run by `pnpm lint` and CI. Every publishable package under packages/ is packed
// the way `pnpm publish` packs it, and the tarball is checked:
//   - scripts/lib/tarball.mjs: no `workspace:` range, no provenance in publishConfig, no test or
//     fixture, exported files and bin present (bin executable, with its shebang), source maps
//     and declaration maps pointing at shipped files, README links inside the package shipped,
//     CHANGELOG.md shipped when it exists, no import of an undeclared package;
//   - publint (strict) and @arethetypeswrong/cli (ESM-only profile).
// Then every runtime-neutral entry is bundled alone for a neutral platform (failing on any
// `node:` import) and, with the app-shaped bundles, compared with its min+gzip budget in
// scripts/size-budgets.json; docs/bundle-size.md must quote the current figures.
//
//   node scripts/check-packages.mjs [package-dir...]   check (all packages when none named)
//   node scripts/check-packages.mjs --update-sizes     rewrite the docs table; add a budget
//                                                      (measured + margin) for new bundles
//   node scripts/check-packages.mjs --update-sizes --reset-budgets
//                                                      also set every budget to measured + margin
//                                                      (a re-baseline: review it like code)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  budgetFor,
  kib,
  measureApp,
  measureEntry,
  parseSizeTable,
  readSizeTable,
  renderSizeTable,
  replaceSizeTable,
} from './lib/sizes.mjs';
import { inspectPackage, pack, unpack } from './lib/tarball.mjs';
import { budgetsFile, listPackages, readBudgets, root } from './lib/workspace.mjs';

const execFileAsync = promisify(execFile);
const args = process.argv.slice(2);
const update = args.includes('--update-sizes');
const reset = update && args.includes('--reset-budgets');
const only = args.filter((a) => !a.startsWith('--'));
const SIZE_DOC = join(root, 'docs', 'bundle-size.md');
/** How far the figures quoted in docs/bundle-size.md may drift before they must be updated. */
const DOC_TOLERANCE = 0.05;

const budgets = readBudgets();
const all = listPackages();
const packages = all
  .filter((p) => !p.private)
  .filter((p) => only.length === 0 || only.some((o) => p.dir.endsWith(o)));
const failures = [];
const bin = (name) => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'uplink-pack-'));

try {
  await pool(packages, 2, async (info) => {
    if (!existsSync(join(info.dir, 'dist'))) {
      failures.push(`${info.name}: no dist/ (run pnpm build first)`);
      return;
    }
    const tarball = pack(info.dir, join(work, 'tarballs'));
    const unpacked = unpack(tarball, join(work, info.dirName));
    const problems = await inspectPackage(unpacked, { sourceDir: info.dir });
    for (const problem of problems) failures.push(`${info.name}: ${problem}`);
    console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} tarball ${info.name}`);
    for (const [tool, argv] of [
      ['publint', [bin('publint'), ['run', tarball, '--strict', '--pack', 'false']]],
      ['attw', [bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii']]],
    ]) {
      try {
        await execFileAsync(argv[0], argv[1], { cwd: root });
        console.log(`ok   ${tool.padEnd(7)} ${info.name}`);
      } catch (error) {
        failures.push(`${info.name}: ${tool} failed\n${error.stdout ?? ''}${error.stderr ?? ''}`);
        console.log(`FAIL ${tool.padEnd(7)} ${info.name}`);
      }
    }
  });
  if (only.length === 0) await checkSizes();
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\n${failures.length} packaging problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nall packages pass the tarball checks, publint, attw and their size budgets');

async function checkSizes() {
  const rows = [];
  const neutral = all
    .filter((p) => !p.private)
    .flatMap((p) => p.entries.filter((e) => e.kind === 'export' && !e.nodeOnly));
  for (const entry of neutral) {
    try {
      const size = await measureEntry(entry.specifier, all);
      rows.push({
        label: `\`${entry.specifier}\``,
        key: entry.specifier,
        kind: 'entries',
        ...size,
      });
    } catch (error) {
      failures.push(`${entry.specifier}: not runtime-neutral\n${error.message}`);
    }
  }
  for (const [name, app] of Object.entries(budgets.apps ?? {})) {
    const size = await measureApp(app.file, all);
    rows.push({ label: name, key: name, kind: 'apps', ...size });
  }

  let budgetsChanged = false;
  for (const row of rows) {
    const current = row.kind === 'apps' ? budgets.apps[row.key].budget : budgets.entries[row.key];
    if (current === undefined || reset) {
      if (!update) {
        failures.push(
          `${row.key}: no size budget in scripts/size-budgets.json (measured ${row.gzipBytes} B min+gzip; \`pnpm size:update\` adds one)`,
        );
      }
      const budget = budgetFor(row.gzipBytes, budgets.marginPercent);
      if (row.kind === 'apps') budgets.apps[row.key].budget = budget;
      else budgets.entries[row.key] = budget;
      budgetsChanged = true;
    }
    row.budget = row.kind === 'apps' ? budgets.apps[row.key].budget : budgets.entries[row.key];
  }
  const known = new Set(rows.map((r) => r.key));
  for (const key of Object.keys(budgets.entries)) {
    if (!known.has(key)) {
      failures.push(`scripts/size-budgets.json has a budget for ${key}, which is not an entry`);
    }
  }

  console.log('\nbundle sizes (esbuild, minified ESM, gzip -9; entries alone with their deps):');
  for (const row of rows) {
    const over = row.gzipBytes > row.budget;
    console.log(
      `  ${over ? 'OVER' : 'ok  '} ${row.key.padEnd(42)} ${kib(row.minBytes).padStart(6)} KiB min ${kib(row.gzipBytes).padStart(5)} KiB min+gzip  (budget ${kib(row.budget)} KiB)`,
    );
    if (over) {
      failures.push(
        `${row.key}: ${row.gzipBytes} B min+gzip is over its budget of ${row.budget} B (scripts/size-budgets.json). Shrink it, or raise the budget in the same change and say why.`,
      );
    }
  }

  const table = renderSizeTable(rows);
  if (update) {
    writeFileSync(SIZE_DOC, replaceSizeTable(readFileSync(SIZE_DOC, 'utf8'), table));
    if (budgetsChanged) writeFileSync(budgetsFile, `${JSON.stringify(budgets, null, 2)}\n`);
    console.log(`\nwrote ${SIZE_DOC}${budgetsChanged ? ' and scripts/size-budgets.json' : ''}`);
    return;
  }
  const documented = readSizeTable(SIZE_DOC);
  const quoted = documented ? parseSizeTable(documented) : new Map();
  const stale = rows.filter((row) => {
    const q = quoted.get(row.label);
    return (
      !q ||
      Math.abs(q.budget - row.budget) > 52 ||
      Math.abs(q.gzipBytes - row.gzipBytes) > row.gzipBytes * DOC_TOLERANCE + 52
    );
  });
  if (stale.length > 0 || quoted.size !== rows.length) {
    failures.push(
      `docs/bundle-size.md does not match the measured sizes or budgets (${stale.map((r) => r.key).join(', ') || 'rows differ'}): run \`pnpm size:update\``,
    );
  }
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool(items, limit, task) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      while (queue.length > 0) await task(queue.shift());
    }),
  );
}
