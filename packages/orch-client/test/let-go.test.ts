// Nothing a completion or task stream holds may keep the process alive once it was let go, on
// every path a user takes: a child process reads part of a stream from the fake llama-orch
// (running here, paced so the stream outlives the test), lets go, and must exit on its own.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeLlamaOrch, runToExit, startFakeLlamaOrch } from '@uplink/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./let-go/completion-child.ts', import.meta.url));
// The child runs from the sources, with the workspace packages resolved as the tests do.
const root = resolve(import.meta.dirname, '../../..');
const tsx = {
  cwd: root,
  env: { ...process.env, TSX_TSCONFIG_PATH: resolve(root, 'tsconfig.tests.json') },
};
let orch: FakeLlamaOrch;
beforeAll(async () => {
  orch = await startFakeLlamaOrch({
    streamMode: 'generator',
    tokensPerSecond: 10,
    releaseOnStreamEnd: true,
    queueCapacity: 64,
  });
});
afterAll(() => orch.close());

const modes = [
  'break',
  'text-break',
  'abort',
  'release-cancel',
  'object-release-cancel',
  'text-release-cancel',
  'release-abort',
  'release-signal',
  'release-close',
  'end',
  'relay',
  'task-break',
  'task-abort',
];

describe('a completion or task stream let go does not keep the process alive', () => {
  it.concurrent.each(modes)('%s', async (mode) => {
    const outcome = await runToExit(['--import', 'tsx', child, mode, orch.url], {
      ...tsx,
      boundMs: 30_000,
    });
    expect(outcome.stderr).toBe('');
    expect(outcome.killed).toBe(false);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(`${mode}: let go`);
  });
});
