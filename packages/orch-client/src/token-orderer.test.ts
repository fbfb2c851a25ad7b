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
