// The vitest configuration Stryker runs (see stryker.config.mjs): the root configuration
// narrowed to the project that owns the modules being mutated (and to the group's test files,
// when it names them), without coverage.
import { configDefaults, defineConfig } from 'vitest/config';
import { currentGroup } from './scripts/mutation-targets.mjs';
import base from './vitest.config.ts';

type Project = { test: { name: string; include?: string[]; exclude?: string[] } };

const group = currentGroup();
const projects = (base.test?.projects ?? []) as Project[];
const selected = projects
  .filter((p) => p.test.name === group.project)
  .map((p) => ({
    ...p,
    test: {
      ...p.test,
      include: group.tests ?? p.test.include,
      exclude: [...(p.test.exclude ?? configDefaults.exclude), ...group.exclude],
    },
  }));
if (selected.length === 0) {
  throw new Error(
    `no vitest project named ${group.project} (there are ${projects.map((p) => p.test.name).join(', ')})`,
  );
}

export default defineConfig({
  resolve: base.resolve,
  test: { projects: selected as never },
});
