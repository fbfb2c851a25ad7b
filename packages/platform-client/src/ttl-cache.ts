/** Options of {@link TtlCache}. */
export interface TtlCacheOptions {
  /** How long an entry stays fresh, in milliseconds. */
  ttlMs: number;
  /**
   * Entries kept at most; the oldest is evicted first, so a flood of distinct keys
   * (for example random API keys) cannot grow memory without bound.
   * @default 1000
   */
  maxEntries?: number | undefined;
  /** Clock, for tests. @default Date.now */
  now?: (() => number) | undefined;
}

interface Entry<V> {
  value: Promise<V>;
  expiresAt: number;
}

/**
 * A small in-memory cache of async lookups with a time-to-live. Concurrent loads of the
 * same key share one call; a failed load is not cached, so the next call tries again.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: TtlCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Number of entries currently held (fresh or not yet swept). */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached value for `key`, or the result of `load()` (then cached for the TTL). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    if (hit) this.#entries.delete(key);
    const value = load();
    const entry: Entry<V> = { value, expiresAt: Number.POSITIVE_INFINITY };
    this.#entries.set(key, entry);
    this.#evict();
    value.then(
      // The TTL starts when the answer arrives, as in the reference satellite.
      () => {
        entry.expiresAt = this.#now() + this.#ttlMs;
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return value;
  }

  /** Forget one key. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Forget everything. */
  clear(): void {
    this.#entries.clear();
  }

  #evict(): void {
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) return;
      this.#entries.delete(oldest);
    }
  }
}
