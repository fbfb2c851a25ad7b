import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocs } from '../check-docs.mjs';

// Two small trees shaped like the repository: `good` holds only citations and links that resolve,
// `bad` holds one of each kind of problem the check must find.
const fixtures = join(import.meta.dirname, 'fixtures', 'check-docs');
const script = join(import.meta.dirname, '..', 'check-docs.mjs');

describe('check-docs', () => {
  it('accepts citations, ranges, bare § after a note, RFC sections and links that resolve', () => {
    expect(checkDocs(join(fixtures, 'good'))).toEqual([]);
  });

  it('reports every broken citation and link with file and line', () => {
    expect(checkDocs(join(fixtures, 'bad')).sort()).toEqual(
      [
        'docs/guide.md:3: link ./missing.md points at nothing',
        'docs/protocols/demo.md:5: heading does not start with its section number',
        'docs/protocols/demo.md:7: section 1 is numbered twice',
        'packages/foo/README.md:3: https://github.com/uplink-sdk/uplink/blob/main/docs/nothing.md points at docs/nothing.md, which does not exist',
        'packages/foo/README.md:3: link ../../docs/guide.md breaks on npm (not in the tarball); use https://github.com/uplink-sdk/uplink/blob/main/docs/guide.md',
        'packages/foo/lib/client.ts:1: docs/protocols/demo.md has no section 9',
        'packages/foo/lib/client.ts:2: "luml-satellite-protocol" cites outside the repository; cite docs/protocols/<platform>.md instead',
        'packages/foo/lib/client.ts:3: "reference §" cites outside the repository; cite docs/protocols/<platform>.md §N',
        'packages/foo/lib/client.ts:3: "the plan\'s" cites outside the repository; say the fact itself',
        'packages/foo/lib/client.ts:3: docs/protocols/demo.md has no section 2',
        'packages/foo/lib/client.ts:4: "issue item" cites outside the repository; say the fact itself',
        'packages/foo/lib/client.ts:5: docs/protocols/missing.md does not exist',
        'packages/foo/lib/stray.ts:1: "§3" names no protocol note; write docs/protocols/<note>.md §N',
      ].sort(),
    );
  });

  it('exits 1 and prints the problems on stderr for a bad tree, 0 for a good one', () => {
    const bad = spawnSync(process.execPath, [script, join(fixtures, 'bad')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      'packages/foo/lib/client.ts:1: docs/protocols/demo.md has no section 9',
    );
    expect(bad.stderr).toMatch(/check-docs: 13 problem\(s\)/);

    const good = spawnSync(process.execPath, [script, join(fixtures, 'good')], {
      encoding: 'utf8',
    });
    expect(good.status).toBe(0);
    expect(good.stderr).toBe('');
  });
});
