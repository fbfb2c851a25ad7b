// scripts/bootstrap.sh and scripts/quickstart.sh, run by bash as a user runs them.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { root } from '../lib/workspace.mjs';

const bash = (script, options = {}) =>
  execFileSync('bash', ['-c', script], { encoding: 'utf8', timeout: 180_000, ...options });

describe('sourcing scripts/bootstrap.sh', () => {
  const bootstrap = JSON.stringify(join(root, 'scripts/bootstrap.sh'));

  it("leaves the caller's npm settings and shell options as they were, and turns turbo telemetry off", () => {
    // Node >= 22 and pnpm are already in .tools/ here, so bootstrap installs nothing.
    const out = bash(
      [
        'set -u',
        'export npm_config_loglevel=warn npm_config_audit=true',
        'unset npm_config_fund',
        // $- too: $(set +o) cannot show errexit (a command substitution does not inherit it).
        'before="$(env | grep "^npm_config_" | sort); $(set +o | sort); $-"',
        `. ${bootstrap} 2>/dev/null`,
        'after="$(env | grep "^npm_config_" | sort); $(set +o | sort); $-"',
        '[ "$before" = "$after" ] && echo same-settings',
        'if env | grep -q "^npm_config_fund="; then fund=set; else fund=unset; fi',
        'echo "loglevel=$npm_config_loglevel fund=$fund turbo=$TURBO_TELEMETRY_DISABLED"',
        'type node_major >/dev/null 2>&1 && echo leaked-function || echo no-leaked-function',
        'node -p "process.versions.node.split(\\".\\")[0] >= 22" && pnpm -v',
      ].join('\n'),
    );
    const lines = out.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'same-settings',
      'loglevel=warn fund=unset turbo=1',
      'no-leaked-function',
      'true',
    ]);
    expect(lines[4]).toMatch(/^10\./);
  }, 180_000);

  it('keeps `set -e` on for a caller that had it (a failing step must still stop .ci/run)', () => {
    let failed;
    try {
      bash(`set -euo pipefail\n. ${bootstrap} 2>/dev/null\nfalse\necho kept-going`);
    } catch (error) {
      failed = error;
    }
    expect(failed?.status).toBe(1);
    expect(failed?.stdout).not.toContain('kept-going');
    // And leaves it off for a caller that had it off.
    expect(bash(`set +e\n. ${bootstrap} 2>/dev/null\nfalse\necho kept-going`)).toContain(
      'kept-going',
    );
  }, 180_000);
});

describe('scripts/quickstart.sh', () => {
  const dirs = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of quickstart.sh with a no-op bootstrap and a pnpm that records its arguments. */
  function sandbox() {
    const dir = mkdtempSync(join(tmpdir(), 'uplink-quickstart-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'scripts'));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(root, 'scripts/quickstart.sh'), join(dir, 'scripts/quickstart.sh'));
    writeFileSync(join(dir, 'scripts/bootstrap.sh'), '# toolchain already present\n');
    writeFileSync(
      join(dir, 'bin/pnpm'),
      [
        '#!/usr/bin/env bash',
        'echo "pnpm $*" >> "$QUICKSTART_LOG"',
        // A real install leaves pnpm's copy of the lockfile it installed from.
        'if [ "$1" = install ]; then mkdir -p node_modules/.pnpm && cp pnpm-lock.yaml node_modules/.pnpm/lock.yaml; fi',
      ].join('\n'),
    );
    chmodSync(join(dir, 'bin/pnpm'), 0o755);
    writeFileSync(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    const log = join(dir, 'calls.log');
    const runQuickstart = () => {
      writeFileSync(log, '');
      bash('bash scripts/quickstart.sh test', {
        cwd: dir,
        env: {
          ...process.env,
          PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
          QUICKSTART_LOG: log,
        },
      });
      return readFileSync(log, 'utf8').trim().split('\n');
    };
    return { dir, runQuickstart };
  }

  it('installs when nothing is installed, not again while the lockfile is unchanged', () => {
    const { runQuickstart } = sandbox();
    expect(runQuickstart()).toEqual(['pnpm install --frozen-lockfile', 'pnpm test']);
    expect(runQuickstart()).toEqual(['pnpm test']);
  });

  it('reinstalls when the lockfile changed since the last install', () => {
    const { dir, runQuickstart } = sandbox();
    runQuickstart();
    writeFileSync(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n# a new dependency\n");
    expect(runQuickstart()).toEqual(['pnpm install --frozen-lockfile', 'pnpm test']);
    expect(runQuickstart()).toEqual(['pnpm test']);
  });
});
