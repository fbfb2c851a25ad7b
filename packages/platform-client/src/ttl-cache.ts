import { AbortError } from '@uplink/core-schemas';

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
  /**
   * Clock, for tests. Monotonic by default, so stepping the wall clock (NTP, a restored VM)
   * neither stretches nor cuts a TTL: a revoked key is never trusted longer than `ttlMs`.
   * @default performance.now
   */
  now?: (() => number) | undefined;
}

interface Entry<V> {
  value: Promise<V>;
  expiresAt: number;
  /** Aborts the shared load; set while it runs. */
  loading: AbortController | undefined;
  /** Callers waiting on the load that can still leave (each with its own signal). */
  waiters: number;
  /** A caller without a signal waits too: it never leaves, so the load must finish. */
  pinned: boolean;
}

/**
 * A small in-memory cache of async lookups with a time-to-live. Concurrent loads of the
 * same key share one call; a failed load is not cached, so the next call tries again.
 *
 * The shared load belongs to no caller: it gets the cache's own signal, and each caller's
 * signal only ends that caller's wait (with `AbortError`). When every caller has left, the
 * load is aborted and forgotten, since nobody wants its answer (a caller without a signal
 * never leaves, so it keeps the load alive). Aborting it, rather than letting it fill the
 * cache, ends the transport's retries and backoff for an answer nobody waits for.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: TtlCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Number of entries currently held (fresh or not yet swept). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached value for `key`, or the result of `load(signal)` (then cached for the TTL).
   * `signal` is the caller's: it aborts this caller's wait only, with an `AbortError` that
   * names `subject` (what the call was, for the message).
   */
  get(
    key: string,
    load: (signal: AbortSignal) => Promise<V>,
    signal?: AbortSignal | undefined,
    subject = 'The call',
  ): Promise<V> {
    if (signal?.aborted) return Promise.reject(leftEarly(signal, subject));
    let entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      entry = undefined;
    }
    entry ??= this.#start(key, load);
    if (!entry.loading) return entry.value;
    if (!signal) {
      entry.pinned = true;
      return entry.value;
    }
    return this.#wait(key, entry, signal, subject);
  }

  /** Forget one key. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Forget everything. */
  clear(): void {
    this.#entries.clear();
  }

  #start(key: string, load: (signal: AbortSignal) => Promise<V>): Entry<V> {
    const loading = new AbortController();
    const entry: Entry<V> = {
      value: load(loading.signal),
      expiresAt: Number.POSITIVE_INFINITY,
      loading,
      waiters: 0,
      pinned: false,
    };
    this.#entries.set(key, entry);
    this.#evict();
    entry.value.then(
      // The TTL starts when the answer arrives, as in the reference satellite.
      () => {
        entry.loading = undefined;
        entry.expiresAt = this.#now() + this.#ttlMs;
      },
      () => {
        entry.loading = undefined;
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return entry;
  }

  /** Wait for a running load until it settles or `signal` aborts, whichever comes first. */
  #wait(key: string, entry: Entry<V>, signal: AbortSignal, subject: string): Promise<V> {
    entry.waiters++;
    return new Promise<V>((resolve, reject) => {
      let waiting = true;
      const stop = (): void => {
        waiting = false;
        signal.removeEventListener('abort', onAbort);
        entry.waiters--;
      };
      const onAbort = (): void => {
        if (!waiting) return;
        stop();
        reject(leftEarly(signal, subject));
        // Nobody is left to want the answer: stop the load and forget it.
        if (entry.waiters === 0 && !entry.pinned && entry.loading) {
          entry.loading.abort(new AbortError('Every caller waiting on this lookup was aborted'));
          if (this.#entries.get(key) === entry) this.#entries.delete(key);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.value.then(
        (value) => {
          if (!waiting) return;
          stop();
          resolve(value);
        },
        (error: unknown) => {
          if (!waiting) return;
          stop();
          reject(error);
        },
      );
    });
  }

  #evict(): void {
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) return;
      this.#entries.delete(oldest);
    }
  }
}

/** The error of a caller that stopped waiting: its own abort, whatever the shared load does. */
function leftEarly(signal: AbortSignal, subject: string): AbortError {
  return new AbortError(`${subject} was aborted by the caller`, { cause: signal.reason });
}
