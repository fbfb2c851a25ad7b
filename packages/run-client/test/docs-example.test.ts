// Runs docs/examples/agent-run.ts: through its functions against the fake (losing events the way
// the real server does, and cutting the stream for good), and as a program with no
// AGENT_SDK_BASE_URL, so the docs never show code that does not work.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main, streamToTerminal } from '../../../docs/examples/agent-run.js';
import { clientFor, fakeServer } from './helpers.js';

const root = resolve(import.meta.dirname, '../../..');

describe('docs/examples/agent-run.ts', () => {
  it('prints every message once, in order, through the real server\'s "seq 0 then silence"', async () => {
    const fake = await fakeServer({ seqZeroThenSilence: true, dropSeqs: [1] });
    const lines: string[] = [];
    const result = await streamToTerminal(
      clientFor(fake, { statusProbeMs: 20 }),
      'Summarise',
      (l) => lines.push(l),
    );
    expect(result).toMatchObject({ status: 'completed', lastSeq: 3 });
    expect(lines).toEqual([
      `run ${result.runId} started`,
      '[1] {',
      '[2] Step 1: Summarise',
      'run completed after 2 message(s), last seq 3',
    ]);
  });

  it('picks the run up again with events(runId, {fromSeq}) when resuming gives up', async () => {
    const fake = await fakeServer({ midStreamDisconnect: { afterEvents: 2 }, messageDelayMs: 20 });
    const lines: string[] = [];
    const client = clientFor(fake, { maxResumeAttempts: 0 });
    const result = await streamToTerminal(client, 'Summarise', (l) => lines.push(l));
    expect(result.status).toBe('completed');
    expect(lines).toEqual([
      `run ${result.runId} started`,
      '[1] {',
      'stream lost after seq 1 (truncated); picking the run up again',
      '[2] Step 1: Summarise',
      'run completed after 1 message(s), last seq 3',
    ]);
  });

  it('main() uses AGENT_SDK_BASE_URL and AGENT_SDK_API_KEY when set', async () => {
    const fake = await fakeServer();
    const lines: string[] = [];
    const result = await main(
      ['Count the sheep'],
      { AGENT_SDK_BASE_URL: fake.url, AGENT_SDK_API_KEY: fake.apiKey },
      (l) => lines.push(l),
    );
    expect(result.status).toBe('completed');
    expect(fake.state.runs.get(result.runId)?.task).toBe('Count the sheep');
    expect(lines.at(-1)).toBe('run completed after 2 message(s), last seq 3');
  });

  it('runs as a program, starting its own fake agent-sdk when AGENT_SDK_BASE_URL is unset', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'docs/examples/agent-run.ts', 'Summarise the open incidents'],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: 'docs/examples/tsconfig.json' },
        timeout: 20_000,
      },
    );
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^no AGENT_SDK_BASE_URL: using a local fake agent-sdk at http:\/\/127\.0\.0\.1:\d+$/,
    );
    expect(lines[1]).toMatch(/^run run_[0-9a-f]{32} started$/);
    expect(lines[2]).toBe('(resuming after seq 0: silent after the run finished)');
    expect(lines.slice(3)).toEqual([
      '[1] {',
      '[2] Step 1: Summarise the open incidents',
      'run completed after 2 message(s), last seq 3',
    ]);
  });
});
