import { describe, expect, it } from 'vitest';
import { TolerantFraming } from './sse-framing.js';

const run = (...chunks: string[]) => {
  const framing = new TolerantFraming();
  return chunks.map((c) => framing.transform(c)).join('');
};

describe('TolerantFraming', () => {
  it('passes standard streams through unchanged', () => {
    const body = 'event: a\ndata: 1\n\n: comment\n\ndata: 2\nevent: b\n\nid: 3\n\n';
    expect(run(body)).toBe(body);
    expect(run(...body.split(''))).toBe(body);
  });

  it('keeps the blank line after data, even when event: comes last in the block', () => {
    expect(run('data: x\nevent: late\n\ndata: y\n\n')).toBe('data: x\nevent: late\n\ndata: y\n\n');
  });

  it('drops blank lines between event: and the first data: line', () => {
    expect(run('event: started\n\ndata: {}\n\n\nevent: end\n\n\ndata: {}\n\n')).toBe(
      'event: started\ndata: {}\n\n\nevent: end\ndata: {}\n\n',
    );
  });

  it('handles CRLF split between chunks, and CR-only endings', () => {
    expect(run('event: t\r', '\n\r', '\ndata: 1\r\n\r\n')).toBe('event: t\r\ndata: 1\r\n\r\n');
    expect(run('event: t\r\r', 'data: 1\r\r')).toBe('event: t\rdata: 1\r\r');
  });

  it('classifies a line whose name is split across chunks', () => {
    expect(run('ev', 'ent: t\n', '\n', 'da', 'ta: 1\n\n')).toBe('event: t\ndata: 1\n\n');
    expect(run('event', '\n\ndata\n\n')).toBe('event\ndata\n\n');
  });
});
