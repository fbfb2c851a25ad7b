import { describe, expect, it } from 'vitest';
import { TolerantFraming } from './sse-framing.js';

const run = (...chunks: string[]) => {
  const framing = new TolerantFraming();
  return chunks.map((c) => framing.transform(c)).join('');
};

/** The rule, written plainly over the whole text: the reference the chunked rewrite must match. */
function reference(text: string): string {
  let block = 'empty';
  let out = '';
  for (const [, line = '', end = ''] of text.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)) {
    if (line === '' && end === '') break;
    if (line === '') {
      if (block === 'event') continue;
      block = 'empty';
    } else if (/^data(?::|$)/.test(line)) block = 'data';
    else if (/^event(?::|$)/.test(line) && block !== 'data') block = 'event';
    out += line + end;
  }
  return out;
}

/** Deterministic PRNG (mulberry32) for reproducible chunkings. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('TolerantFraming', () => {
  it('matches the plain rule for random chunkings of mixed streams', () => {
    const parts = [
      'event: token\ndata: {"t":"a"}\n\n',
      'event: started\n\ndata: {}\n\n',
      'event: end\r\n\r\ndata: {}\r\n\r\n',
      ': keep-alive\n\n',
      'data: x\nevent: late\n\n',
      'id: 7\nevent: e\r\rdata: 1\r\r',
      'event\n\ndata\n\n',
      'eventual: 1\n\ndata: 2\n\n',
      'event: e\nid: 9\n\ndata: 3\n\n',
      'event: e\n: ping\n\ndata: 4\n\n',
      'event: e\ndone\nd\n\ndata: 5\n\n',
      'event: e\ndataset: 1\n\ndata: 6\n\n',
      'extra\n\ndata: 7\n\n',
      'event1: x\n\ndata: 8\n\n',
    ];
    const random = seeded(42);
    for (let round = 0; round < 300; round++) {
      let body = '';
      for (let k = 0; k < 12; k++) body += parts[Math.floor(random() * parts.length)];
      const chunks: string[] = [];
      for (let i = 0; i < body.length; ) {
        const size = 1 + Math.floor(random() * (round % 3 === 0 ? 4 : 40));
        chunks.push(body.slice(i, i + size));
        i += size;
      }
      expect(run(...chunks), `round ${round}`).toBe(reference(body));
    }
  });

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

  it('drops the blank line when an id:, a comment or an unknown field comes between event: and it', () => {
    expect(run('event: e\nid: 1\n\ndata: 1\n\n')).toBe('event: e\nid: 1\ndata: 1\n\n');
    expect(run('event: e\n: ping\n\ndata: 1\n\n')).toBe('event: e\n: ping\ndata: 1\n\n');
    // Only `data` or `data:` starts a data line: `done`, `datum:` and `d` are unknown fields.
    expect(run('event: e\ndone\ndatum: 2\nd\n\ndata: 1\n\n')).toBe(
      'event: e\ndone\ndatum: 2\nd\ndata: 1\n\n',
    );
    // A field name ends at `:` or the end of the line: `dataset` is not `data`, `extra` no event.
    expect(run('event: e\ndataset: 2\n\ndata: 1\n\n')).toBe('event: e\ndataset: 2\ndata: 1\n\n');
    expect(run('extra\n\ndata: 1\n\n')).toBe('extra\n\ndata: 1\n\n');
  });

  it('takes the exact path for a chunk with a CR anywhere, its second character included', () => {
    expect(run(':\revent: t\r\rdata: 1\r\r')).toBe(':\revent: t\rdata: 1\r\r');
    expect(run('\revent: t\r\rdata: 1\r\r')).toBe('\revent: t\rdata: 1\r\r');
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
