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
