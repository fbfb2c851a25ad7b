// docs/protocols/llama-orch.md §16 (stream results: order tokens by `i`, count them yourself).
import type { TaskTokenEvent } from './task-events.js';

/**
 * Releases tokens in `i` order and drops duplicates. A token that arrives ahead of a gap is
 * held until the gap fills; when more than `maxHeld` are held the gap is skipped, so a server
 * that never sends some index cannot stall the stream or grow memory without bound.
 */
export class TokenOrderer {
  readonly #seen = new Set<number>();
  readonly #held = new Map<number, TaskTokenEvent>();
  readonly #maxHeld: number;
  #next = 0;

  constructor(maxHeld = 256) {
    this.#maxHeld = maxHeld;
  }

  /** Offer one token; returns the tokens that are now in order, possibly none. */
  push(token: TaskTokenEvent): TaskTokenEvent[] {
    if (this.#seen.has(token.index)) return [];
    this.#seen.add(token.index);
    // Fast path, the usual case: the next index with nothing held.
    if (token.index === this.#next && this.#held.size === 0) {
      this.#next += 1;
      return [token];
    }
    if (token.index < this.#next) return [token];
    this.#held.set(token.index, token);
    const out = this.#drain();
    if (this.#held.size > this.#maxHeld) out.push(...this.flush());
    return out;
  }

  /** Release every held token in index order (at the end of the stream). */
  flush(): TaskTokenEvent[] {
    const rest = [...this.#held.values()].sort((a, b) => a.index - b.index);
    this.#held.clear();
    const last = rest.at(-1);
    if (last) this.#next = last.index + 1;
    return rest;
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
}
