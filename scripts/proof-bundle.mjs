#!/usr/bin/env node
// Proof bundle for @uplink/orch-client (docs/protocols/llama-orch.md §15, proof-bundle
// conventions).
//
//   node scripts/proof-bundle.mjs            run the llama-orch tests (vitest --reporter=json),
//                                            copy the contract fixtures into proof-bundle/fixtures/
//                                            and write proof-bundle/manifest.json
//   node scripts/proof-bundle.mjs --check    verify that the manifest's sha256 of every fixture,
//                                            fixture copy and test file still match (CI gate)
//   --report <file>                          use an existing vitest JSON report instead of running
//
// Why hashes of fixtures *and* tests: the bundle claims "these tests, run on these fixtures,
// passed". If either changes without regenerating the bundle, the claim is stale, so --check
// fails and names the drifted files.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bundleDir = join(root, 'proof-bundle');
const manifestPath = join(bundleDir, 'manifest.json');
const FIXTURE_DIR = 'fixtures/llama-orch';
// Test files whose results the bundle records: the orch-client package and every llama-orch test.
const TEST_ROOTS = [
  'packages/orch-client/src',
  'packages/orch-client/test',
  'packages/testing/src/llama-orch',
  'packages/core-schemas/src/llama-orch',
];
const VITEST_FILTERS = ['packages/orch-client/', '/llama-orch/'];
const VITEST_PROJECTS = ['orch-client', 'testing', 'core-schemas'];
const SEEDS = [42, 1, 2, ...Array.from({ length: 64 }, (_, k) => 1001 + k)];

const rel = (abs) => relative(root, abs).split('\\').join('/');
const sha256 = (abs) => createHash('sha256').update(readFileSync(abs)).digest('hex');

function walk(dir, keep) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    const child = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(child, keep));
    else if (keep(entry.name)) out.push(child.split('\\').join('/'));
  }
  return out.sort();
}

const fixtureFiles = () => walk(FIXTURE_DIR, (n) => n.endsWith('.json'));
const testFiles = () => TEST_ROOTS.flatMap((d) => walk(d, (n) => /\.test\.ts$/.test(n)));

function git(args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function runVitest() {
  const out = mkdtempSync(join(tmpdir(), 'uplink-proof-'));
  const report = join(out, 'report.json');
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const args = [vitest, 'run', ...VITEST_PROJECTS.flatMap((p) => ['--project', p])];
  args.push('--reporter=json', `--outputFile=${report}`, ...VITEST_FILTERS);
  console.log(`proof-bundle: running vitest (${VITEST_PROJECTS.join(', ')}) ...`);
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!existsSync(report)) {
    throw new Error(
      `vitest wrote no JSON report (exit ${result.status}); run it by hand to see why`,
    );
  }
  const parsed = JSON.parse(readFileSync(report, 'utf8'));
  rmSync(out, { recursive: true, force: true });
  return parsed;
}

function summarise(report) {
  const results = [];
  for (const file of report.testResults ?? []) {
    const path = rel(file.name);
    for (const t of file.assertionResults ?? []) {
      results.push({
        name: t.fullName ?? t.title,
        file: path,
        status: t.status === 'passed' ? 'pass' : t.status,
      });
    }
  }
  const count = (s) => results.filter((r) => r.status === s).length;
  const start = report.startTime ?? Date.now();
  const end = Math.max(start, ...(report.testResults ?? []).map((f) => f.endTime ?? start));
  return {
    summary: {
      success: report.success === true && count('failed') === 0,
      total: results.length,
      passed: count('pass'),
      failed: count('failed'),
      skipped: results.length - count('pass') - count('failed'),
      test_files: (report.testResults ?? []).length,
      duration_ms: Math.round(end - start),
    },
    results,
  };
}

function generate(reportFile) {
  const report = reportFile ? JSON.parse(readFileSync(resolve(reportFile), 'utf8')) : runVitest();
  const { summary, results } = summarise(report);
  const sdk = JSON.parse(readFileSync(join(root, 'packages/orch-client/package.json'), 'utf8'));
  const gitSha = git(['rev-parse', 'HEAD']);
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

  // Copy the request/response pairs the contract tests replay, byte for byte.
  const copyDir = join(bundleDir, 'fixtures');
  rmSync(copyDir, { recursive: true, force: true });
  mkdirSync(copyDir, { recursive: true });
  const ndjson = [JSON.stringify({ _meta: 'proof_bundle', _note: 'autogenerated' })];
  const fixtures = [];
  for (const path of fixtureFiles()) {
    const entry = { path, sha256: sha256(join(root, path)) };
    if (!path.includes('/malformed/')) {
      const name = path.slice(FIXTURE_DIR.length + 1);
      writeFileSync(join(copyDir, name), readFileSync(join(root, path)));
      entry.copy = `proof-bundle/fixtures/${name}`;
      const doc = JSON.parse(readFileSync(join(root, path), 'utf8'));
      if (doc.meta?.sse && typeof doc.response?.body === 'string') {
        for (const frame of sseFrames(doc.response.body)) {
          ndjson.push(JSON.stringify({ fixture: doc.meta.name, ...frame }));
        }
      }
    }
    fixtures.push(entry);
  }
  writeFileSync(join(copyDir, 'sse_fixtures.ndjson'), `${ndjson.join('\n')}\n`);
  fixtures.push({
    path: 'proof-bundle/fixtures/sse_fixtures.ndjson',
    sha256: sha256(join(copyDir, 'sse_fixtures.ndjson')),
  });

  const byFile = new Map();
  for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const tests = testFiles().map((file) => {
    const own = byFile.get(file) ?? [];
    const failed = own.some((r) => r.status === 'failed');
    return {
      file,
      sha256: sha256(join(root, file)),
      tests: own.length,
      status: own.length === 0 ? 'not-run' : failed ? 'fail' : 'pass',
    };
  });

  const manifest = {
    generated_by: 'proof-bundle',
    run_id: `${stamp}-${gitSha.slice(0, 8)}`,
    created_at: now.toISOString(),
    git_sha: gitSha,
    sdk: { name: sdk.name, version: sdk.version },
    api_contract: {
      upstream_repo: 'veighnsche/llama-orch',
      v1_commit: '618a5dea742208809edde9e7ed4e18909a5c7a49',
      v2_commit: 'ae6d6892987f720317493ec89544cbfdfd5de18f',
      api_version: '1.0.0',
    },
    targets: ['node', 'browser'],
    seeds: SEEDS,
    summary,
    fixtures,
    tests,
    results,
  };
  mkdirSync(bundleDir, { recursive: true });
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(bundleDir, 'test_report.md'), testReport(manifest));
  console.log(
    `proof-bundle: wrote ${rel(manifestPath)}: ${fixtures.length} fixtures, ${tests.length} test files, ` +
      `${summary.passed}/${summary.total} tests passed${summary.failed ? `, ${summary.failed} FAILED` : ''}`,
  );
  if (!summary.success) process.exitCode = 1;
}

/** The human-readable summary every upstream bundle carries (first line: the autogenerated marker). */
function testReport(m) {
  const lines = [
    '# AUTOGENERATED: Proof Bundle',
    '',
    `Run \`${m.run_id}\` of ${m.sdk.name}@${m.sdk.version} at ${m.created_at} (git ${m.git_sha}).`,
    '',
    `Result: **${m.summary.success ? 'PASS' : 'FAIL'}**, ${m.summary.passed}/${m.summary.total} tests passed, ` +
      `${m.summary.failed} failed, ${m.summary.skipped} skipped, in ${m.summary.test_files} files.`,
    '',
    '| Test file | Tests | Status |',
    '|---|---|---|',
    ...m.tests.map((t) => `| \`${t.file}\` | ${t.tests} | ${t.status} |`),
    '',
    `Fixtures: ${m.fixtures.length} files under \`fixtures/llama-orch/\`, copied to \`proof-bundle/fixtures/\`.`,
    '',
  ];
  return lines.join('\n');
}

/** Tolerant SSE framing (§6.6 item 5): an event name survives blank lines. */
function sseFrames(body) {
  const frames = [];
  let event = 'token';
  let data = [];
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length) frames.push({ event, data: JSON.parse(data.join('\n')) });
      data = [];
    } else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return frames;
}

function check() {
  if (!existsSync(manifestPath)) {
    console.error(
      `proof-bundle: ${rel(manifestPath)} is missing; run \`pnpm proof\` and commit it`,
    );
    process.exit(1);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const problems = [];
  if (manifest.generated_by !== 'proof-bundle')
    problems.push('manifest.generated_by is not "proof-bundle"');
  if (manifest.summary?.success !== true) problems.push('the recorded test run did not pass');
  for (const key of ['run_id', 'created_at', 'git_sha', 'sdk', 'summary', 'fixtures', 'tests']) {
    if (manifest[key] === undefined) problems.push(`manifest.${key} is missing`);
  }
  // A release bumps the version: a bundle made for another version no longer proves this one.
  const sdk = JSON.parse(readFileSync(join(root, 'packages/orch-client/package.json'), 'utf8'));
  if (manifest.sdk?.name !== sdk.name || manifest.sdk?.version !== sdk.version) {
    problems.push(
      `manifest.sdk is ${manifest.sdk?.name}@${manifest.sdk?.version}, the package is ${sdk.name}@${sdk.version}`,
    );
  }
  const verify = (path, expected, what) => {
    const abs = join(root, path);
    if (!existsSync(abs)) problems.push(`${what} ${path} is listed but missing`);
    else if (sha256(abs) !== expected) problems.push(`${what} ${path} changed (sha256 differs)`);
  };
  for (const f of manifest.fixtures ?? []) {
    verify(f.path, f.sha256, 'fixture');
    if (f.copy) verify(f.copy, f.sha256, 'fixture copy');
  }
  for (const t of manifest.tests ?? []) {
    verify(t.file, t.sha256, 'test file');
    // Every hashed test file must have run and passed, or the bundle claims more than it shows.
    if (t.status !== 'pass') problems.push(`test file ${t.file} is recorded as ${t.status}`);
  }
  const listedFixtures = new Set((manifest.fixtures ?? []).map((f) => f.path));
  for (const path of fixtureFiles()) {
    if (!listedFixtures.has(path)) problems.push(`fixture ${path} is not in the manifest`);
  }
  const listedTests = new Set((manifest.tests ?? []).map((t) => t.file));
  for (const file of testFiles()) {
    if (!listedTests.has(file)) problems.push(`test file ${file} is not in the manifest`);
  }
  const copies = existsSync(join(bundleDir, 'fixtures'))
    ? readdirSync(join(bundleDir, 'fixtures'))
    : [];
  const listedCopies = new Set(
    (manifest.fixtures ?? []).flatMap((f) => [f.copy, f.path]).filter(Boolean),
  );
  for (const name of copies) {
    const path = `proof-bundle/fixtures/${name}`;
    if (!listedCopies.has(path)) problems.push(`${path} is not in the manifest`);
  }
  if (problems.length) {
    console.error(`proof-bundle: the manifest no longer matches (${problems.length} problem(s)):`);
    for (const p of problems) console.error(`  - ${p}`);
    console.error('Run `pnpm proof` to rerun the tests and regenerate the bundle, then commit it.');
    process.exit(1);
  }
  console.log(
    `proof-bundle: manifest matches ${manifest.fixtures.length} fixtures and ${manifest.tests.length} test files ` +
      `(${manifest.summary.passed}/${manifest.summary.total} tests passed at ${manifest.git_sha.slice(0, 8)})`,
  );
}

const args = process.argv.slice(2);
if (args.includes('--check')) check();
else {
  const at = args.indexOf('--report');
  generate(at >= 0 ? args[at + 1] : undefined);
}
