// docs/protocols/agent-sdk.md §1.8 and §1.9: every stream tracks the last `seq` it delivered,
// drops what it has seen and notices what it has missed. Replay and WebSocket `from_seq` are
// inclusive, and consumers of one run split its live events, so duplicates and gaps are normal.

/** What to do with one event. */
export type SeqVerdict =
  /** The next event in order: deliver it (the tracker has advanced). */
  | { kind: 'next' }
  /** Already delivered (`seq <= lastSeq`), or an unsequenced event seen before: drop it. */
  | { kind: 'duplicate' }
  /** Events `from`..`to` (inclusive) are missing before this one: fill them first. */
  | { kind: 'gap'; from: number; to: number }
  /** No `seq` and not seen before: deliver it (it cannot be ordered). */
  | { kind: 'unsequenced' };

/** The fields of an event the tracker looks at. */
export interface Sequenced {
  seq?: number | undefined;
  stream: string;
  event: string;
  timestamp: string;
}

/** How many unsequenced events are remembered for deduplication. */
export const MAX_REMEMBERED_UNSEQUENCED = 256;

/**
 * Tracks `lastSeq` for one run and classifies each event as next, duplicate, gap or
 * unsequenced. Only `next` advances the tracker, so a gap is reported again until it is filled.
 */
export class SeqTracker {
  #lastSeq: number;
  readonly #unsequenced = new Set<string>();

  /** @param fromSeq the first seq wanted; earlier events count as duplicates. */
  constructor(fromSeq = 0) {
    if (!Number.isInteger(fromSeq) || fromSeq < 0) {
      throw new RangeError(`fromSeq must be a whole number >= 0, got ${String(fromSeq)}`);
    }
    this.#lastSeq = fromSeq - 1;
  }

  /** The last seq delivered, `-1` before any (or `fromSeq - 1`). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The seq expected next: `lastSeq + 1`. */
  get nextSeq(): number {
    return this.#lastSeq + 1;
  }

  /** Classify `event`; a `next` verdict advances `lastSeq` to its seq. */
  accept(event: Sequenced): SeqVerdict {
    const { seq } = event;
    if (seq === undefined) {
      const key = `${event.stream}\u0000${event.event}\u0000${event.timestamp}`;
      if (this.#unsequenced.has(key)) return { kind: 'duplicate' };
      if (this.#unsequenced.size >= MAX_REMEMBERED_UNSEQUENCED) {
        this.#unsequenced.delete(this.#unsequenced.values().next().value as string);
      }
      this.#unsequenced.add(key);
      return { kind: 'unsequenced' };
    }
    if (seq <= this.#lastSeq) return { kind: 'duplicate' };
    if (seq > this.#lastSeq + 1) return { kind: 'gap', from: this.#lastSeq + 1, to: seq - 1 };
    this.#lastSeq = seq;
    return { kind: 'next' };
  }
}
