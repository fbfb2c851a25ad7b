// The per-file mutation gate: how a file's score is counted from Stryker's JSON report, and
// that a file below its threshold, or without a report, fails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReports, formatTable, scoreOf } from '../mutation-gate.mjs';
import { MUTATION_GROUPS } from '../mutation-targets.mjs';

const mutants = (counts) =>
  Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));

let dir;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('scoreOf', () => {
  it('counts killed and timed-out mutants as detected, over every valid one', () => {
    expect(
      scoreOf(
        mutants({
          Killed: 6,
          Timeout: 2,
          Survived: 1,
          NoCoverage: 1,
          Ignored: 4,
          CompileError: 3,
          RuntimeError: 2,
        }),
      ),
    ).toEqual({ detected: 8, survived: 1, noCoverage: 1, ignored: 4, valid: 10, score: 80 });
  });

  it('scores a file without valid mutants 100', () => {
    expect(scoreOf(mutants({ Ignored: 2 })).score).toBe(100);
  });
});

describe('checkReports', () => {
  const group = MUTATION_GROUPS.find((g) => g.group === 'run-client');
  const [first, second, ...rest] = group.files;
  const report = (files) =>
    writeFileSync(join(dir, 'run-client.json'), JSON.stringify({ schemaVersion: '2', files }));

  it('passes a file at its threshold and fails one below it, or one without a report', () => {
    dir = mkdtempSync(join(tmpdir(), 'mutation-gate-'));
    report({
      [first.path]: { mutants: mutants({ Killed: 9, Survived: 1 }) },
      [second.path]: { mutants: mutants({ Killed: 8, Survived: 2 }) },
      ...Object.fromEntries(rest.map((f) => [f.path, { mutants: mutants({ Killed: 1 }) }])),
    });
    const rows = checkReports(['run-client'], dir);
    expect(rows.map((r) => [r.path, r.score, r.threshold, r.ok])).toEqual([
      [first.path, 90, 90, true],
      [second.path, 80, 90, false],
      ...rest.map((f) => [f.path, 100, 90, true]),
    ]);
    const table = formatTable(rows).split('\n');
    expect(table[0]).toMatch(/^file\s+score\s+threshold/);
    expect(table[2]).toMatch(
      new RegExp(`^${second.path}\\s+80\\.0%\\s+90%\\s+8/10\\s+2\\s+0\\s+FAIL$`),
    );
    expect(table[1]).toMatch(/\s+ok$/);

    report({ [first.path]: { mutants: mutants({ Killed: 1 }) } });
    const missing = checkReports(['run-client'], dir).filter((r) => !r.ok);
    expect(missing.map((r) => r.path)).toEqual([second.path, ...rest.map((f) => f.path)]);
    expect(missing.every((r) => r.missing)).toBe(true);
  });

  it('fails every file of a group whose report is missing', () => {
    dir = mkdtempSync(join(tmpdir(), 'mutation-gate-'));
    expect(checkReports(['run-client'], dir).every((r) => r.missing && !r.ok)).toBe(true);
  });
});
