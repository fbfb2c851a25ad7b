// Stryker configuration for `pnpm test:mutation` (scripts/mutation.mjs runs it once per
// group of scripts/mutation-targets.mjs, naming the group in UPLINK_MUTATION_GROUP).
import { currentGroup, mutationEnv } from './scripts/mutation-targets.mjs';

const { group, files } = currentGroup();
const { concurrency, incremental } = mutationEnv();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  // pnpm keeps the runner out of core's own node_modules, where Stryker looks for plugins.
  plugins: [import.meta.resolve('@stryker-mutator/vitest-runner')],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: true },
  // Each mutant runs only the tests that executed its code in the first (dry) run.
  coverageAnalysis: 'perTest',
  mutate: files.map((f) => f.path),
  concurrency,
  // Loopback-server tests are slower than unit tests; a mutant that hangs one is still caught.
  timeoutMS: 10_000,
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${group}.json` },
  // With --incremental, mutants whose code and tests did not change keep their last result.
  incremental,
  incrementalFile: `reports/mutation/incremental/${group}.json`,
  ignorePatterns: ['.tools', '.turbo', 'coverage', 'reports'],
  tempDirName: '.stryker-tmp',
  // The sandbox is a copy of the whole repository, so no tsconfig path needs rewriting; and
  // the rewriter needs TypeScript's JavaScript API, which TypeScript 7 no longer ships.
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
  cleanTempDir: 'always',
  // The per-file thresholds are enforced by scripts/mutation-gate.mjs, not here.
  thresholds: { high: 90, low: 85, break: null },
};
