// Nothing a completion or task stream holds may keep the process alive once it was let go, on
// every path a user takes: a child process reads part of a stream from the fake llama-orch
// (running here, paced so the stream outlives the test), lets go, and must exit on its own.
import { fileURLToPath } from 'node:url';
import { type FakeLlamaOrch, startFakeLlamaOrch } from '@uplink/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToExit } from './run-to-exit.js';

const child = fileURLToPath(new URL('./let-go/completion-child.ts', import.meta.url));
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
    const outcome = await runToExit(child, [mode, orch.url], 30_000);
    expect(outcome.stderr).toBe('');
    expect(outcome.killed).toBe(false);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(`${mode}: let go`);
  });
});
