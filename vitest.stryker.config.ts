// The vitest configuration Stryker runs (see stryker.config.mjs): the root configuration
// narrowed to the one project that owns the modules being mutated, without coverage.
import { defineConfig } from 'vitest/config';
import { currentGroup } from './scripts/mutation-targets.mjs';
import base from './vitest.config.ts';

type Project = { test: { name: string } };

const { project } = currentGroup();
const projects = (base.test?.projects ?? []) as Project[];
const selected = projects.filter((p) => p.test.name === project);
if (selected.length === 0) {
  throw new Error(
    `no vitest project named ${project} (there are ${projects.map((p) => p.test.name).join(', ')})`,
  );
}

export default defineConfig({
  resolve: base.resolve,
  test: { projects: selected as never },
});
