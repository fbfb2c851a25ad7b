#!/usr/bin/env node
// Checks the properties of the GitHub workflows that a release depends on (run by `pnpm lint`,
// and by scripts/test/workflows.test.mjs against broken variants):
//   - the release runs only after CI succeeded for a push to main (workflow_run on CI), on the
//     commit CI tested;
//   - `id-token: write` (npm provenance), and provenance switched on in the workflow
//     (NPM_CONFIG_PROVENANCE) rather than in any package's publishConfig, so a manual publish
//     outside GitHub Actions works;
//   - the npm token reaches npm: a setup-node `registry-url` makes npm read NODE_AUTH_TOKEN
//     (its generated config), so that variable must then come from a secret; changesets/action
//     writes ~/.npmrc from NPM_TOKEN otherwise;
//   - the publish command is `pnpm release`, which runs `changeset publish`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseYaml } from './lib/simple-yaml.mjs';
import { root } from './lib/workspace.mjs';

const fromSecret = (value) =>
  typeof value === 'string' && /^\$\{\{\s*secrets\.\w+\s*\}\}$/.test(value);

/**
 * Problems with `release` (the parsed release workflow) given `ci` (the parsed CI workflow),
 * the root package.json and the package manifests. Empty when everything holds.
 */
export function checkReleaseWorkflow({ release, ci, rootManifest, packageManifests }) {
  const problems = [];
  const on = release?.on ?? {};
  if (on.push || on.pull_request || on.workflow_dispatch) {
    problems.push(
      'release.yml must not run on push, pull_request or workflow_dispatch: it must wait for CI (workflow_run)',
    );
  }
  const run = on.workflow_run;
  if (!run) problems.push('release.yml must run on workflow_run of the CI workflow');
  else {
    if (!run.workflows?.includes(ci?.name)) {
      problems.push(`release.yml's workflow_run must name the CI workflow ("${ci?.name}")`);
    }
    if (JSON.stringify(run.types) !== JSON.stringify(['completed'])) {
      problems.push('release.yml\u2019s workflow_run must have types: [completed]');
    }
    if (JSON.stringify(run.branches) !== JSON.stringify(['main'])) {
      problems.push('release.yml\u2019s workflow_run must be limited to branches: [main]');
    }
  }
  if (release?.permissions?.['id-token'] !== 'write') {
    problems.push('release.yml needs permissions: id-token: write (npm provenance)');
  }

  const jobs = Object.entries(release?.jobs ?? {});
  const publishing = jobs.filter(([, job]) =>
    (job.steps ?? []).some((s) => String(s.uses ?? '').startsWith('changesets/action')),
  );
  if (publishing.length === 0) problems.push('release.yml has no changesets/action step');
  for (const [name, job] of publishing) {
    const condition = String(job.if ?? '');
    if (!/workflow_run\.conclusion\s*==\s*'success'/.test(condition)) {
      problems.push(
        `job ${name} must run only if github.event.workflow_run.conclusion == 'success'`,
      );
    }
    if (!/workflow_run\.event\s*==\s*'push'/.test(condition)) {
      problems.push(
        `job ${name} must run only for CI runs of a push (workflow_run.event == 'push')`,
      );
    }
    if (!JSON.stringify(job.steps).includes('github.event.workflow_run.head_sha')) {
      problems.push(
        `job ${name} must release the commit CI tested (github.event.workflow_run.head_sha)`,
      );
    }
    const step = job.steps.find((s) => String(s.uses ?? '').startsWith('changesets/action'));
    const env = { ...(release.env ?? {}), ...(job.env ?? {}), ...(step.env ?? {}) };
    if (env.NPM_CONFIG_PROVENANCE !== 'true') {
      problems.push(`job ${name}: the changesets step must set NPM_CONFIG_PROVENANCE: "true"`);
    }
    const usesRegistryUrl = job.steps.some(
      (s) => String(s.uses ?? '').startsWith('actions/setup-node') && s.with?.['registry-url'],
    );
    if (usesRegistryUrl && !fromSecret(env.NODE_AUTH_TOKEN)) {
      problems.push(
        `job ${name}: setup-node has registry-url, so npm reads NODE_AUTH_TOKEN; set it from a secret on the changesets step (NPM_TOKEN alone is never read: E401)`,
      );
    }
    if (!fromSecret(env.NPM_TOKEN) && !fromSecret(env.NODE_AUTH_TOKEN)) {
      problems.push(
        `job ${name}: the changesets step needs the npm token from a secret (NPM_TOKEN)`,
      );
    }
    if (step.with?.publish !== 'pnpm release') {
      problems.push(`job ${name}: changesets/action must publish with "pnpm release"`);
    }
  }
  if (!/\bchangeset publish\b/.test(rootManifest?.scripts?.release ?? '')) {
    problems.push('the root "release" script must run `changeset publish`');
  }
  for (const manifest of packageManifests) {
    if (manifest.publishConfig?.provenance !== undefined) {
      problems.push(
        `${manifest.name}: publishConfig.provenance breaks every publish outside GitHub Actions; CI sets NPM_CONFIG_PROVENANCE`,
      );
    }
  }
  return problems;
}

/** Reads this repository's workflows and manifests and checks them. */
export function checkRepository(dir = root) {
  const read = (path) => parseYaml(readFileSync(join(dir, path), 'utf8'));
  const packagesDir = join(dir, 'packages');
  const packageManifests = readdirSync(packagesDir)
    .map((d) => join(packagesDir, d, 'package.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')));
  return checkReleaseWorkflow({
    release: read('.github/workflows/release.yml'),
    ci: read('.github/workflows/ci.yml'),
    rootManifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    packageManifests,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problems = checkRepository();
  if (problems.length > 0) {
    console.error(`release workflow problems:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('release workflow: gated on CI, provenance from the workflow, token reaches npm');
}
