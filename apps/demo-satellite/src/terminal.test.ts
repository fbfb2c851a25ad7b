import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatBytes, renderSummary, timed } from './terminal.js';

const sink = (isTTY: boolean) => {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text };
};

describe('terminal output', () => {
  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
  });

  it('redraws the progress bar in place on a TTY', () => {
    const out = sink(true);
    const bar = createProgressBar(out.stream, 'artifact');
    bar.update(512, 1024);
    bar.update(1024, 1024);
    bar.done();
    expect(out.text()).toBe(
      `\rartifact [############............] 512 B / 1.0 KiB\rartifact [########################] 1.0 KiB / 1.0 KiB\n`,
    );
  });

  it('prints only the final line when not a TTY, and copes with an unknown total', () => {
    const out = sink(false);
    const bar = createProgressBar(out.stream, 'artifact');
    bar.update(100);
    bar.update(300);
    bar.done();
    expect(out.text()).toBe('artifact [........................] 300 B\n');
  });

  it('renders the summary table with right-aligned times and a total', () => {
    const table = renderSummary([
      { step: 'deploy', result: 'active', ms: 12.4 },
      { step: 'stream completion', result: '24 tokens', ms: 700 },
    ]);
    expect(table.split('\n')).toEqual([
      '+---+-------------------+-----------+--------+',
      '| # | step              | result    |   time |',
      '+---+-------------------+-----------+--------+',
      '| 1 | deploy            | active    |  12 ms |',
      '| 2 | stream completion | 24 tokens | 700 ms |',
      '+---+-------------------+-----------+--------+',
      'total 712 ms',
    ]);
  });

  it('times a step', async () => {
    const { value, ms } = await timed(async () => 42);
    expect(value).toBe(42);
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});
