// docs/protocols/llama-orch.md §16 (stream results: order tokens by `i`, count them yourself).
import type { TaskTokenEvent } from './task-events.js';

/**
 * Releases tokens in `i` order and drops duplicates. A token that arrives ahead of a gap is
 * held until the gap fills; when more than `maxHeld` are held the gap is skipped, so a server
 * that never sends some index cannot stall the stream or grow memory without bound. A token
 * for a skipped index that arrives later is still released, once.
 *
 * Memory does not grow with the stream: what was seen below the next index is remembered as
 * the gaps in it (none on an in-order stream), not as one entry per token.
 */
export class TokenOrderer {
  readonly #held = new Map<number, TaskTokenEvent>();
  readonly #maxHeld: number;
  #next = 0;
  /**
   * The indices below `#next` never seen, as ascending `[start, end)` pairs, flat. Everything
   * below 0 starts out unseen (a server may send a negative index; it is released once).
   */
  #gaps: number[] = [Number.NEGATIVE_INFINITY, 0];

  constructor(maxHeld = 256) {
    this.#maxHeld = maxHeld;
  }

  /** Offer one token; returns the tokens that are now in order, possibly none. */
  push(token: TaskTokenEvent): TaskTokenEvent[] {
    const index = token.index;
    // Fast path, the usual case: the next index with nothing held.
    // Stryker disable next-line BlockStatement: without it, the general path below releases the same token
    if (index === this.#next && this.#held.size === 0) {
      this.#next += 1;
      return [token];
    }
    // Below the released range: late (its gap was skipped) once, a duplicate after that.
    if (index < this.#next) return this.#takeGap(index) ? [token] : [];
    if (this.#held.has(index)) return [];
    this.#held.set(index, token);
    const out = this.#drain();
    if (this.#held.size > this.#maxHeld) out.push(...this.flush());
    return out;
  }

  /** Release every held token in index order (at the end of the stream), skipping the gaps. */
  flush(): TaskTokenEvent[] {
    const rest = [...this.#held.values()].sort((a, b) => a.index - b.index);
    this.#held.clear();
    for (const token of rest) {
      pushGap(this.#gaps, this.#next, token.index);
      this.#next = token.index + 1;
    }
    return rest;
  }

  /** Indices skipped and not yet filled, counted: what a caller may still receive late. */
  get gapCount(): number {
    let count = 0;
    for (let k = 2; k < this.#gaps.length; k += 2) {
      count += (this.#gaps[k + 1] as number) - (this.#gaps[k] as number);
    }
    return count;
  }

  #drain(): TaskTokenEvent[] {
    const out: TaskTokenEvent[] = [];
    for (let token = this.#held.get(this.#next); token; token = this.#held.get(this.#next)) {
      this.#held.delete(this.#next);
      out.push(token);
      this.#next += 1;
    }
    return out;
  }

  /** Remove `index` from the gaps; false when it is in none (it was seen before). */
  #takeGap(index: number): boolean {
    const gaps = this.#gaps;
    // Binary search over the pairs for the last start <= index.
    let low = 0;
    // Stryker disable next-line ArithmeticOperator: a larger bound only reads past the end, where the comparison is false
    let high = gaps.length / 2 - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((gaps[mid * 2] as number) <= index) low = mid;
      else high = mid - 1;
    }
    // The first pair starts at -Infinity, so there is always one, and its start is <= index.
    const start = gaps[low * 2] as number;
    const end = gaps[low * 2 + 1] as number;
    if (index >= end) return false;
    const split: number[] = [];
    pushGap(split, start, index);
    pushGap(split, index + 1, end);
    gaps.splice(low * 2, 2, ...split);
    return true;
  }
}

/** Append the gap `[start, end)` to a flat list of pairs, unless it holds no index. */
function pushGap(pairs: number[], start: number, end: number): void {
  if (start < end) pairs.push(start, end);
}
