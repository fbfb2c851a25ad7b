#!/usr/bin/env node
// `pnpm test:mutation`: runs Stryker once per group of scripts/mutation-targets.mjs (each
// against its own package's tests), then enforces the per-file thresholds
// (scripts/mutation-gate.mjs). Arguments name groups to run (default: all).
//
// Environment:
//   UPLINK_MUTATION_CONCURRENCY  Stryker test-runner processes (default 2)
//   UPLINK_MUTATION_INCREMENTAL  0 to ignore the committed incremental reports and test
//                                every mutant again (default: incremental)
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { checkReports, formatTable } from './mutation-gate.mjs';
import { MUTATION_GROUPS } from './mutation-targets.mjs';

const root = resolve(import.meta.dirname, '..');
const known = MUTATION_GROUPS.map((g) => g.group);
const requested = process.argv.slice(2);
const unknown = requested.filter((g) => !known.includes(g));
if (unknown.length > 0) {
  console.error(`mutation: unknown group(s) ${unknown.join(', ')}; groups are ${known.join(', ')}`);
  process.exit(2);
}
const groups = requested.length > 0 ? requested : known;

const started = Date.now();
for (const group of groups) {
  const t0 = Date.now();
  console.log(`\nmutation: ${group}`);
  const run = spawnSync('pnpm', ['exec', 'stryker', 'run', 'stryker.config.mjs'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, UPLINK_MUTATION_GROUP: group },
  });
  if (run.status !== 0) {
    const why = run.error?.message ?? `exit ${run.status ?? run.signal}`;
    console.error(`mutation: Stryker failed for ${group} (${why})`);
    process.exit(1);
  }
  console.log(`mutation: ${group} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

const rows = checkReports(groups);
console.log(`\n${formatTable(rows)}`);
console.log(
  `\nmutation: ${groups.length} group(s) in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
const failed = rows.filter((r) => !r.ok);
if (failed.length > 0) {
  console.error(`mutation gate: ${failed.length} file(s) below threshold`);
  process.exit(1);
}
console.log('mutation gate: every file meets its threshold');
