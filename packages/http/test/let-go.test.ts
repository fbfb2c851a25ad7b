// Nothing an SSE stream holds may keep the process alive once the stream was let go, on
// every path a user takes: a child process reads part of a stream, lets go, and must exit
// on its own (the stream's idle timeout is 60 s and its total timeout 600 s, far past the bound).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runToExit } from './run-to-exit.js';

const child = fileURLToPath(new URL('./let-go/sse-child.ts', import.meta.url));
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
    const outcome = await runToExit(child, [mode], 20_000);
    expect(outcome.stderr).toBe('');
    expect(outcome.killed).toBe(false);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(`${mode}: let go`);
  });
});
