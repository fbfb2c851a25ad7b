#!/usr/bin/env node
// Runs after `vitest run` in `pnpm test`: prints line coverage per package (from the v8
// json-summary) and closes with one plain line, `tests: N passed, N failed`, so a log
// reader sees the totals last. Exits with the status vitest gave (passed as argv[2]).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const status = Number(process.argv[2] ?? 0);
const results = resolve(root, 'node_modules', '.cache', 'uplink', 'test-results.json');
const coverage = resolve(root, 'coverage', 'coverage-summary.json');

if (existsSync(coverage)) {
  const summary = JSON.parse(readFileSync(coverage, 'utf8'));
  const perPackage = new Map();
  for (const [file, data] of Object.entries(summary)) {
    const match = /\/((?:packages|apps)\/[^/]+)\/src\//.exec(file);
    if (!match) continue;
    const entry = perPackage.get(match[1]) ?? { covered: 0, total: 0 };
    entry.covered += data.lines.covered;
    entry.total += data.lines.total;
    perPackage.set(match[1], entry);
  }
  console.log('\nline coverage by package (threshold 80% for packages/*):');
  for (const [name, { covered, total }] of [...perPackage].sort()) {
    const pct = total === 0 ? 100 : (100 * covered) / total;
    console.log(`  ${name.padEnd(28)} ${pct.toFixed(1).padStart(5)}%  (${covered}/${total} lines)`);
  }
}
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  console.log(`\ntests: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
} else {
  console.log('\ntests: no results file (vitest did not finish)');
}
process.exit(status);
