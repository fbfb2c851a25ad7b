#!/usr/bin/env node
// `pnpm test:mutation`: Stryker once per group of scripts/mutation-targets.mjs (each against
// its own package's tests), then the per-file thresholds (scripts/mutation-gate.mjs).
//
//   pnpm test:mutation [group ...] [--concurrency N] [--incremental]
//
//   group           run only these groups (core-schemas, http, orch-client, flow-client,
//                   worker-runtime, run-client); the gate then checks only their files
//   --concurrency   test-runner processes per group (default 2)
//   --incremental   reuse the results of mutants whose code and tests did not change since the
//                   last run on this machine (reports/mutation/incremental/); for iterating on
//                   tests. The gate in CI always runs in full.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { checkReports, formatTable } from './mutation-gate.mjs';
import { MUTATION_GROUPS } from './mutation-targets.mjs';

const root = resolve(import.meta.dirname, '..');
const known = MUTATION_GROUPS.map((g) => g.group);

function parseArgs(argv) {
  const options = { groups: [], concurrency: 2, incremental: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--incremental') options.incremental = true;
    else if (arg === '--concurrency') {
      options.concurrency = Number(argv[++i]);
      if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
        throw new Error(`--concurrency expects a whole number >= 1, got ${argv[i]}`);
      }
    } else if (known.includes(arg)) options.groups.push(arg);
    else throw new Error(`unknown argument ${arg}; groups are ${known.join(', ')}`);
  }
  if (options.groups.length === 0) options.groups = known;
  return options;
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`mutation: ${error.message}`);
  process.exit(2);
}

const seconds = (ms) => `${Math.round(ms / 1000)} s`;
const started = Date.now();
const timings = [];
for (const group of options.groups) {
  const t0 = Date.now();
  console.log(`\nmutation: ${group}`);
  const run = spawnSync('pnpm', ['exec', 'stryker', 'run', 'stryker.config.mjs'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      UPLINK_MUTATION_GROUP: group,
      UPLINK_MUTATION_CONCURRENCY: String(options.concurrency),
      UPLINK_MUTATION_INCREMENTAL: options.incremental ? '1' : '0',
    },
  });
  if (run.status !== 0) {
    const why = run.error?.message ?? `exit ${run.status ?? run.signal}`;
    console.error(`mutation: Stryker failed for ${group} (${why})`);
    process.exit(1);
  }
  timings.push(`${group} ${seconds(Date.now() - t0)}`);
}

const rows = checkReports(options.groups);
console.log(`\n${formatTable(rows)}`);
console.log(
  `\nmutation: ${timings.join(', ')}; ${seconds(Date.now() - started)} in all (concurrency ${options.concurrency}${options.incremental ? ', incremental' : ''})`,
);
const failed = rows.filter((r) => !r.ok);
if (failed.length > 0) {
  console.error(`mutation gate: ${failed.length} file(s) below threshold`);
  process.exit(1);
}
console.log('mutation gate: every file meets its threshold');
