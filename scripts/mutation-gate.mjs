#!/usr/bin/env node
// Reads Stryker's JSON mutation reports (reports/mutation/<group>.json) and enforces the
// per-file thresholds of scripts/mutation-targets.mjs, which Stryker cannot do itself (its
// `thresholds.break` is one number for the whole run). Prints file -> score -> threshold
// and exits 1 when a file is below its threshold or has no report.
//
// The score is Stryker's: killed + timeout over every valid mutant (killed, timeout,
// survived, no coverage). Mutants disabled in the source (`// Stryker disable`), compile
// errors and runtime errors are not valid mutants and do not count.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MUTATION_GROUPS } from './mutation-targets.mjs';

const root = resolve(import.meta.dirname, '..');

/** Score of one file's mutants from a mutation-testing-report-schema `files` entry. */
export function scoreOf(mutants) {
  const count = (...states) => mutants.filter((m) => states.includes(m.status)).length;
  const detected = count('Killed', 'Timeout');
  const valid = detected + count('Survived', 'NoCoverage');
  return {
    detected,
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    ignored: count('Ignored'),
    valid,
    score: valid === 0 ? 100 : (100 * detected) / valid,
  };
}

/**
 * One row per target file; `groups` limits the check to some groups (all by default), and
 * `reportsDir` says where the `<group>.json` reports are.
 */
export function checkReports(
  groups = MUTATION_GROUPS.map((g) => g.group),
  reportsDir = resolve(root, 'reports', 'mutation'),
) {
  const rows = [];
  for (const { group, files } of MUTATION_GROUPS.filter((g) => groups.includes(g.group))) {
    const reportPath = resolve(reportsDir, `${group}.json`);
    const report = existsSync(reportPath)
      ? JSON.parse(readFileSync(reportPath, 'utf8'))
      : undefined;
    const byFile = new Map(
      Object.entries(report?.files ?? {}).map(([name, data]) => [
        relative(root, resolve(root, name)),
        data,
      ]),
    );
    for (const { path, threshold } of files) {
      const data = byFile.get(path);
      if (!data) {
        rows.push({ path, threshold, missing: true, ok: false });
        continue;
      }
      const score = scoreOf(data.mutants);
      rows.push({ path, threshold, ...score, ok: score.score >= threshold });
    }
  }
  return rows;
}

/** The table printed at the end of `pnpm test:mutation`. */
export function formatTable(rows) {
  const width = Math.max(...rows.map((r) => r.path.length), 4);
  const lines = [
    `${'file'.padEnd(width)}  score   threshold  killed/valid  survived  no-cov`,
    ...rows.map((r) =>
      r.missing
        ? `${r.path.padEnd(width)}  ${'--'.padStart(6)}  ${`${r.threshold}%`.padStart(9)}  no report: run \`pnpm test:mutation\`  FAIL`
        : `${r.path.padEnd(width)}  ${`${r.score.toFixed(1)}%`.padStart(6)}  ${`${r.threshold}%`.padStart(9)}  ${`${r.detected}/${r.valid}`.padStart(12)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(6)}  ${r.ok ? 'ok' : 'FAIL'}`,
    ),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const groups = process.argv.slice(2);
  const rows = checkReports(groups.length > 0 ? groups : undefined);
  console.log(formatTable(rows));
  const failed = rows.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.error(`\nmutation gate: ${failed.length} file(s) below threshold`);
    process.exit(1);
  }
  console.log('\nmutation gate: every file meets its threshold');
}
