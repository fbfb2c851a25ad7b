// The release workflow's properties (gated on CI, provenance only in CI, a token npm reads), on
// this repository's files and on broken variants of them, each of which must be reported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReleaseWorkflow, checkRepository } from '../check-workflows.mjs';
import { parseYaml } from '../lib/simple-yaml.mjs';
import { root } from '../lib/workspace.mjs';

const read = (file) => parseYaml(readFileSync(join(root, '.github/workflows', file), 'utf8'));
const base = () => ({
  release: read('release.yml'),
  ci: read('ci.yml'),
  rootManifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')),
  packageManifests: [{ name: '@uplink/http', publishConfig: { access: 'public' } }],
});
const job = (input) => input.release.jobs.release;
const changesetsStep = (input) =>
  job(input).steps.find((s) => String(s.uses).startsWith('changesets/action'));

describe('the release workflow of this repository', () => {
  it('passes every rule', () => {
    expect(checkRepository()).toEqual([]);
  });
});

describe('checkReleaseWorkflow reports', () => {
  const broken = (edit) => {
    const input = base();
    edit(input);
    return checkReleaseWorkflow(input);
  };

  it('a release that runs on push instead of after CI', () => {
    expect(
      broken((i) => {
        i.release.on = { push: { branches: ['main'] } };
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining('must not run on push'),
        expect.stringContaining('must run on workflow_run of the CI workflow'),
      ]),
    );
  });

  it('a workflow_run that does not name CI, or is not limited to main', () => {
    expect(
      broken((i) => {
        i.release.on.workflow_run.workflows = ['Lint'];
        i.release.on.workflow_run.branches = ['*'];
      }),
    ).toEqual([
      expect.stringContaining('must name the CI workflow ("CI")'),
      expect.stringContaining('branches: [main]'),
    ]);
  });

  it('a job that does not check that CI succeeded, or releases another commit', () => {
    expect(
      broken((i) => {
        job(i).if = "github.event.workflow_run.event == 'push'";
        job(i).steps = job(i).steps.map((s) => (s.env?.TESTED_SHA ? { ...s, env: {} } : s));
      }),
    ).toEqual([
      expect.stringContaining("conclusion == 'success'"),
      expect.stringContaining('head_sha'),
    ]);
  });

  it('no id-token permission', () => {
    expect(
      broken((i) => {
        delete i.release.permissions['id-token'];
      }),
    ).toEqual([expect.stringContaining('id-token: write')]);
  });

  it('provenance not switched on in the workflow', () => {
    expect(
      broken((i) => {
        delete changesetsStep(i).env.NPM_CONFIG_PROVENANCE;
      }),
    ).toEqual([expect.stringContaining('NPM_CONFIG_PROVENANCE')]);
  });

  it('setup-node with registry-url and only NPM_TOKEN (the E401 trap)', () => {
    expect(
      broken((i) => {
        const setupNode = job(i).steps.find((s) => String(s.uses).startsWith('actions/setup-node'));
        setupNode.with['registry-url'] = 'https://registry.npmjs.org';
        delete changesetsStep(i).env.NODE_AUTH_TOKEN;
      }),
    ).toEqual([expect.stringContaining('NODE_AUTH_TOKEN')]);
  });

  it('accepts registry-url when NODE_AUTH_TOKEN comes from a secret', () => {
    expect(
      broken((i) => {
        const setupNode = job(i).steps.find((s) => String(s.uses).startsWith('actions/setup-node'));
        setupNode.with['registry-url'] = 'https://registry.npmjs.org';
      }),
    ).toEqual([]);
  });

  it('no token at all, and a publish command other than pnpm release', () => {
    expect(
      broken((i) => {
        delete changesetsStep(i).env.NPM_TOKEN;
        delete changesetsStep(i).env.NODE_AUTH_TOKEN;
        changesetsStep(i).with.publish = 'npm publish';
      }),
    ).toEqual([
      expect.stringContaining('needs the npm token'),
      expect.stringContaining('"pnpm release"'),
    ]);
  });

  it('provenance in a package publishConfig', () => {
    expect(
      broken((i) => {
        i.packageManifests[0].publishConfig.provenance = true;
      }),
    ).toEqual([expect.stringContaining('@uplink/http: publishConfig.provenance')]);
  });
});

describe('parseYaml', () => {
  it('reads mappings, sequences of mappings, flow lists, quotes, comments and block scalars', () => {
    const text = [
      '# comment',
      'name: CI',
      'on:',
      '  push:',
      '    branches: [main, "dev"]',
      'jobs:',
      '  a:',
      "    if: x == 'y' # trailing comment",
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: main',
      '      - run: |',
      '          echo one',
      '          echo two',
      '      - plain item',
    ].join('\n');
    expect(parseYaml(text)).toEqual({
      name: 'CI',
      on: { push: { branches: ['main', 'dev'] } },
      jobs: {
        a: {
          if: "x == 'y'",
          steps: [
            { uses: 'actions/checkout@v4', with: { ref: 'main' } },
            { run: 'echo one\necho two' },
            'plain item',
          ],
        },
      },
    });
  });

  it('refuses what it does not understand instead of guessing', () => {
    expect(() => parseYaml('a: 1\n  b: 2\n')).toThrow(/line 2/);
    expect(() => parseYaml('a: {b: 1}\n')).toThrow(/flow mappings/);
  });
});
