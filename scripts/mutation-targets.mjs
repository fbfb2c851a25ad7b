// The modules under the mutation gate (`pnpm test:mutation`) and the score each must keep.
// They decide durability, retries, redaction, stream results and settings: a bug that
// survives here loses or replays a user's data, leaks a secret or retries the wrong thing.
//
// Each group is one Stryker run against one vitest project: a mutant counts as killed only
// by the tests of the package that owns the module, so the gate measures those tests, and
// a mutant in module-level code (a deny list) reruns one package's tests, not the repo's.

/** Durability and resume modules: a surviving mutant here loses or replays data. */
const STRICT = 90;
/** Everything else under the gate. */
const STANDARD = 85;

/**
 * Suites that run the code in a child process (a README example, the CLI, a worker killed with
 * SIGKILL). The child runs the code without Stryker's mutant switch, so these suites can kill
 * no mutant; they would only slow every run down.
 */
const CHILD_PROCESS_SUITES = [
  'test/readme.test.ts',
  'test/docs-example.test.ts',
  'test/cli.test.ts',
  'test/leak.test.ts',
  'test/let-go.test.ts',
  'test/run-worker.test.ts',
  'test/signals-and-crash.test.ts',
  'test/state-lock.test.ts',
];

/**
 * @type {{
 *   group: string,
 *   project: string,
 *   files: { path: string, threshold: number }[],
 *   tests?: string[],
 *   exclude: string[],
 * }[]}
 * `tests` narrows the project's test files (globs relative to the package); `exclude` drops some.
 */
export const MUTATION_GROUPS = [
  {
    group: 'core-schemas',
    project: 'core-schemas',
    files: [
      { path: 'packages/core-schemas/src/redaction.ts', threshold: STANDARD },
      { path: 'packages/core-schemas/src/secret-names.ts', threshold: STANDARD },
    ],
    exclude: CHILD_PROCESS_SUITES,
  },
  {
    group: 'http',
    project: 'http',
    files: [
      { path: 'packages/http/src/retry-policy.ts', threshold: STANDARD },
      { path: 'packages/http/src/parse-retry-after.ts', threshold: STANDARD },
      { path: 'packages/http/src/compute-backoff.ts', threshold: STANDARD },
      { path: 'packages/http/src/error-from-response.ts', threshold: STANDARD },
      { path: 'packages/http/src/sse-framing.ts', threshold: STANDARD },
    ],
    exclude: CHILD_PROCESS_SUITES,
  },
  {
    group: 'orch-client',
    project: 'orch-client',
    files: [
      { path: 'packages/orch-client/src/completion-result.ts', threshold: STANDARD },
      { path: 'packages/orch-client/src/token-orderer.ts', threshold: STANDARD },
    ],
    exclude: CHILD_PROCESS_SUITES,
  },
  {
    group: 'flow-client',
    project: 'flow-client',
    files: [
      { path: 'packages/flow-client/src/wait-for-execution.ts', threshold: STANDARD },
      { path: 'packages/flow-client/src/execute-batch.ts', threshold: STANDARD },
      { path: 'packages/flow-client/src/execute-response.ts', threshold: STANDARD },
    ],
    exclude: CHILD_PROCESS_SUITES,
  },
  {
    group: 'worker-runtime',
    project: 'worker-runtime',
    files: [
      { path: 'packages/worker-runtime/src/outbox.ts', threshold: STRICT },
      { path: 'packages/worker-runtime/src/outbox-store.ts', threshold: STRICT },
      { path: 'packages/worker-runtime/src/crash-recovery.ts', threshold: STRICT },
      { path: 'packages/worker-runtime/src/polling-loop.ts', threshold: STRICT },
    ],
    exclude: CHILD_PROCESS_SUITES,
  },
  {
    // Settings are read by every worker test, and most of the module is tables built at load
    // time (each of those mutants reruns every test that loads it): its own tests judge it.
    group: 'worker-settings',
    project: 'worker-runtime',
    files: [{ path: 'packages/worker-runtime/src/settings.ts', threshold: STANDARD }],
    tests: ['src/settings*.test.ts'],
    exclude: [],
  },
  {
    group: 'run-client',
    project: 'run-client',
    files: [
      { path: 'packages/run-client/src/seq-tracker.ts', threshold: STRICT },
      { path: 'packages/run-client/src/replay-pager.ts', threshold: STRICT },
      { path: 'packages/run-client/src/stall-probe.ts', threshold: STRICT },
      { path: 'packages/run-client/src/resume-driver.ts', threshold: STRICT },
    ],
    exclude: CHILD_PROCESS_SUITES,
  },
];

/**
 * The settings scripts/mutation.mjs hands to Stryker and its test-runner processes through
 * the environment (they are no turbo task's inputs).
 */
export function mutationEnv() {
  const {
    UPLINK_MUTATION_GROUP: group,
    UPLINK_MUTATION_CONCURRENCY: concurrency,
    UPLINK_MUTATION_INCREMENTAL: incremental,
  } = process.env;
  return {
    group,
    concurrency: concurrency === undefined ? 2 : Number(concurrency),
    incremental: incremental === '1',
  };
}

/** The group a run is for: `UPLINK_MUTATION_GROUP`, set by scripts/mutation.mjs. */
export function currentGroup() {
  const name = mutationEnv().group;
  const group = MUTATION_GROUPS.find((g) => g.group === name);
  if (!group) {
    throw new Error(
      `UPLINK_MUTATION_GROUP must name one of ${MUTATION_GROUPS.map((g) => g.group).join(', ')} (got ${name ?? 'nothing'}); run \`pnpm test:mutation\``,
    );
  }
  return group;
}
