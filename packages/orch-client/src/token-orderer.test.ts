import { describe, expect, it } from 'vitest';
import type { TaskTokenEvent } from './task-events.js';
import { TokenOrderer } from './token-orderer.js';

const tok = (index: number): TaskTokenEvent => ({ type: 'token', text: `t${index}`, index });
const indexes = (list: TaskTokenEvent[]) => list.map((t) => t.index);

describe('TokenOrderer', () => {
  it('releases in-order tokens at once', () => {
    const o = new TokenOrderer();
    expect(indexes(o.push(tok(0)))).toEqual([0]);
    expect(indexes(o.push(tok(1)))).toEqual([1]);
  });

  it('holds tokens ahead of a gap until it fills, and drops duplicates', () => {
    const o = new TokenOrderer();
    expect(o.push(tok(1))).toEqual([]);
    expect(o.push(tok(2))).toEqual([]);
    expect(indexes(o.push(tok(0)))).toEqual([0, 1, 2]);
    expect(o.push(tok(1))).toEqual([]);
    expect(o.push(tok(0))).toEqual([]);
    expect(indexes(o.push(tok(3)))).toEqual([3]);
  });

  it('flushes held tokens in order at the end', () => {
    const o = new TokenOrderer();
    o.push(tok(5));
    o.push(tok(3));
    expect(indexes(o.flush())).toEqual([3, 5]);
    expect(o.flush()).toEqual([]);
    expect(indexes(o.push(tok(6)))).toEqual([6]);
  });

  it('skips a gap that never fills once too many tokens are held', () => {
    const o = new TokenOrderer(2);
    expect(o.push(tok(1))).toEqual([]);
    expect(o.push(tok(2))).toEqual([]);
    expect(indexes(o.push(tok(3)))).toEqual([1, 2, 3]);
    // A late token below the released range is still delivered once.
    expect(indexes(o.push(tok(0)))).toEqual([0]);
  });
});

describe('TokenOrderer memory and late tokens', () => {
  it('keeps no per-token state on an in-order stream', () => {
    const o = new TokenOrderer();
    let released = 0;
    for (let i = 0; i < 100_000; i++) released += o.push(tok(i)).length;
    expect(released).toBe(100_000);
    expect(o.gapCount).toBe(0);
    // Every index seen is still a duplicate.
    expect(o.push(tok(0))).toEqual([]);
    expect(o.push(tok(99_999))).toEqual([]);
  });

  it('delivers each skipped index once when it arrives late, in any order', () => {
    const o = new TokenOrderer(3);
    // 0, 2, 4, 6 never arrive in time: 1, 3, 5, 7 overflow the hold and skip them.
    for (const i of [1, 3, 5, 7]) o.push(tok(i));
    expect(o.gapCount).toBe(4);
    expect(indexes(o.push(tok(4)))).toEqual([4]);
    expect(o.push(tok(4))).toEqual([]);
    expect(indexes(o.push(tok(0)))).toEqual([0]);
    expect(indexes(o.push(tok(6)))).toEqual([6]);
    expect(indexes(o.push(tok(2)))).toEqual([2]);
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7]) expect(o.push(tok(i))).toEqual([]);
    expect(o.gapCount).toBe(0);
    expect(indexes(o.push(tok(8)))).toEqual([8]);
  });

  it('a huge jump is skipped as one gap, not one entry per index', () => {
    const o = new TokenOrderer(1);
    o.push(tok(1_000_000_000));
    o.push(tok(2_000_000_000));
    expect(o.gapCount).toBe(1_999_999_999);
    expect(indexes(o.push(tok(5)))).toEqual([5]);
    expect(o.push(tok(5))).toEqual([]);
  });

  it('a negative index is released once, then is a duplicate', () => {
    const o = new TokenOrderer();
    expect(indexes(o.push(tok(-3)))).toEqual([-3]);
    expect(o.push(tok(-3))).toEqual([]);
    expect(indexes(o.push(tok(0)))).toEqual([0]);
  });
});

/**
 * The rule, kept plainly (every index seen, in a set): release in `i` order, drop duplicates,
 * skip the gap when more than `maxHeld` tokens wait, and release a skipped index once if it
 * arrives later. The orderer must behave exactly like this while remembering far less.
 */
class ReferenceOrderer {
  readonly seen = new Set<number>();
  readonly held = new Map<number, TaskTokenEvent>();
  next = 0;
  constructor(readonly maxHeld: number) {}

  push(token: TaskTokenEvent): TaskTokenEvent[] {
    if (this.seen.has(token.index) || this.held.has(token.index)) return [];
    if (token.index < this.next) {
      this.seen.add(token.index);
      return [token];
    }
    this.held.set(token.index, token);
    const out: TaskTokenEvent[] = [];
    for (let t = this.held.get(this.next); t; t = this.held.get(this.next)) {
      this.held.delete(this.next);
      this.seen.add(this.next);
      out.push(t);
      this.next++;
    }
    if (this.held.size > this.maxHeld) out.push(...this.flush());
    return out;
  }

  flush(): TaskTokenEvent[] {
    const rest = [...this.held.values()].sort((a, b) => a.index - b.index);
    this.held.clear();
    for (const t of rest) {
      this.seen.add(t.index);
      this.next = t.index + 1;
    }
    return rest;
  }

  get gapCount(): number {
    let count = 0;
    for (let i = 0; i < this.next; i++) if (!this.seen.has(i)) count++;
    return count;
  }
}

/** Deterministic PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('TokenOrderer against the plain rule', () => {
  it.each([1, 2, 3, 8, 256])(
    'releases, drops and skips exactly as the rule says, holding at most %i',
    (maxHeld) => {
      const random = seeded(maxHeld);
      for (let round = 0; round < 80; round++) {
        const orderer = new TokenOrderer(maxHeld);
        const reference = new ReferenceOrderer(maxHeld);
        let cursor = 0;
        for (let k = 0; k < 80; k++) {
          // Mostly near the cursor (reordering, duplicates), sometimes a jump that opens a wide
          // gap, sometimes a late token far behind.
          const roll = random();
          if (roll < 0.1) cursor += 5 + Math.floor(random() * 20);
          const index =
            roll > 0.9
              ? Math.floor(random() * (cursor + 1))
              : Math.max(0, cursor + Math.floor(random() * 7) - 2);
          if (random() < 0.6) cursor++;
          // Each copy has its own text: which copy is released is part of the rule.
          const token: TaskTokenEvent = { type: 'token', text: `${index}#${k}`, index };
          const label = `maxHeld ${maxHeld}, round ${round}, push ${k} (i=${index})`;
          expect(orderer.push(token), label).toEqual(reference.push(token));
          expect(orderer.gapCount, label).toBe(reference.gapCount);
        }
        expect(orderer.flush(), `round ${round}: flush`).toEqual(reference.flush());
        expect(orderer.gapCount).toBe(reference.gapCount);
        // Everything below the next index is now either released or a gap: late tokens for
        // the gaps come out once, everything else is a duplicate.
        for (let index = 0; index < reference.next; index++) {
          const token: TaskTokenEvent = { type: 'token', text: `late ${index}`, index };
          expect(orderer.push(token), `round ${round}: late ${index}`).toEqual(
            reference.push(token),
          );
        }
        expect(orderer.gapCount).toBe(0);
      }
    },
  );

  it('a token held ahead of a gap keeps its first copy; a later copy is a duplicate', () => {
    const o = new TokenOrderer();
    expect(o.push({ type: 'token', text: 'first', index: 2 })).toEqual([]);
    expect(o.push({ type: 'token', text: 'second', index: 2 })).toEqual([]);
    expect(o.push(tok(1))).toEqual([]);
    expect(o.push(tok(0)).map((t) => t.text)).toEqual(['t0', 't1', 'first']);
  });

  it('splits a wide skipped gap around each late token, releasing both sides once', () => {
    const o = new TokenOrderer(1);
    o.push(tok(10));
    expect(indexes(o.push(tok(11)))).toEqual([10, 11]);
    expect(o.gapCount).toBe(10);
    expect(indexes(o.push(tok(5)))).toEqual([5]);
    expect(o.gapCount).toBe(9);
    for (const i of [4, 6, 0, 9, 3, 7, 1, 8, 2]) expect(indexes(o.push(tok(i)))).toEqual([i]);
    expect(o.gapCount).toBe(0);
    for (let i = 0; i < 12; i++) expect(o.push(tok(i))).toEqual([]);
  });
});
