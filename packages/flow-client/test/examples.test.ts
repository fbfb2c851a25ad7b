import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as basicUsage } from '../examples/basic-usage.js';
import { main as batchProcessing } from '../examples/batch-processing.js';
import { type DemoSpine, startDemoSpine } from '../examples/demo-spine.js';
import { main as errorHandling } from '../examples/error-handling.js';
import { main as waitWithProgress } from '../examples/wait-with-progress.js';

describe('examples run against the demo spine', () => {
  let demo: DemoSpine;
  beforeAll(async () => {
    demo = await startDemoSpine();
  });
  afterAll(() => demo.close());

  it('basic usage', async () => {
    const lines: string[] = [];
    const execution = await basicUsage(demo.url, (line) => lines.push(line));
    expect(execution.status).toBe('completed');
    expect(lines).toContain('server: healthy');
    expect(lines).toContain('flows: credit_analysis, loan_review');
    expect(lines.at(-1)).toBe('decision: {"score":0.8,"decision":"approved"}');
  });

  it('error handling', async () => {
    const lines: string[] = [];
    const seen = await errorHandling(demo.url, (line) => lines.push(line));
    expect(seen).toEqual([
      'FlowNotFoundError',
      'InvalidArgumentError',
      'ExecutionError',
      'ExecutionNotRunningError',
      'InvalidArgumentError',
    ]);
    // The backend stores the HTTP library's text for a failing agent, not the agent's body.
    expect(lines[2]).toContain("Server error '500 Internal Server Error'");
  });

  it('waiting with progress', async () => {
    const lines: string[] = [];
    const done = await waitWithProgress(demo.url, (line) => lines.push(line));
    expect(done.status).toBe('completed');
    expect(lines.some((line) => /^poll \d+: running after \d+ ms$/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^finished: completed /);
  });

  it('batch processing', async () => {
    const lines: string[] = [];
    const results = await batchProcessing(demo.url, (line) => lines.push(line));
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true, true, true, true]);
    expect(lines).toContain('progress: 8/8 (1 failed)');
    expect(lines).toContain('#1 50000: approved');
    expect(lines).toContain('#4 180000: declined');
    expect(lines.find((line) => line.startsWith('#2 -5: error:'))).toContain(
      'failed: Server error',
    );
  });
});
