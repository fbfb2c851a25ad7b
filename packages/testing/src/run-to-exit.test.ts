import { describe, expect, it } from 'vitest';
import { runToExit } from './run-to-exit.js';

describe('runToExit', () => {
  it('reports a child that exits on its own, with its output', async () => {
    const outcome = await runToExit(
      ['-e', 'console.log("out"); console.error("err"); process.exit(3)'],
      {
        boundMs: 20_000,
      },
    );
    expect(outcome).toMatchObject({ code: 3, killed: false, stdout: 'out\n', stderr: 'err\n' });
  });

  it('kills a child that something keeps alive past the bound, and says so', async () => {
    const outcome = await runToExit(['-e', 'setInterval(() => {}, 1000)'], { boundMs: 300 });
    expect(outcome.killed).toBe(true);
    expect(outcome.code).toBeNull();
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(250);
  });
});
