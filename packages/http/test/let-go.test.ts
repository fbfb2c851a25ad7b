// Nothing an SSE stream holds may keep the process alive once the stream was let go, on
// every path a user takes: a child process reads part of a stream, lets go, and must exit
// on its own (the stream's idle timeout is 60 s and its total timeout 600 s, far past the bound).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToExit } from '@uplink/testing';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./let-go/sse-child.ts', import.meta.url));
// The child runs from the sources, with the workspace packages resolved as the tests do.
const root = resolve(import.meta.dirname, '../../..');
const tsx = {
  cwd: root,
  env: { ...process.env, TSX_TSCONFIG_PATH: resolve(root, 'tsconfig.tests.json') },
};
const modes = [
  'break',
  'abort',
  'release-cancel',
  'object-release-cancel',
  'release-close',
  'end',
  'relay',
];

describe('an SSE stream let go does not keep the process alive', () => {
  it.concurrent.each(modes)('%s', async (mode) => {
    const outcome = await runToExit(['--import', 'tsx', child, mode], { ...tsx, boundMs: 20_000 });
    expect(outcome.stderr).toBe('');
    expect(outcome.killed).toBe(false);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(`${mode}: let go`);
  });
});
