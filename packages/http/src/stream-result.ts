// The result every Uplink stream hands out with `finalResult()`: settled once, by whichever of
// the end, a failure or an abort comes first, and lazy: asking for it consumes the stream when
// nothing else does.

/**
 * A promise settled once from outside (the first `resolve` or `reject` wins) that never
 * becomes an unhandled rejection when nobody asks for it.
 */
export class StreamResult<T> {
  /** Settles with the first `resolve` or `reject`. */
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  #settled = false;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The result is optional: an unobserved failure must not be an unhandled rejection.
    this.promise.catch(() => {});
  }

  /** Whether `resolve` or `reject` has been called. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Resolve, unless already settled; true when this call settled it. */
  resolve(value: T): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#resolve(value);
    return true;
  }

  /** Reject, unless already settled; true when this call settled it. */
  reject(error: unknown): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#reject(error);
    return true;
  }
}

/**
 * Read `iterator` to its end in the background, for a `finalResult()` asked of a stream that
 * nothing else consumes: the stream records what its result needs as items pass, and settles
 * the result itself, so a failure here is already reported there and is not rethrown.
 */
export function drainInBackground(iterator: AsyncIterator<unknown>): void {
  void (async () => {
    try {
      while (!(await iterator.next()).done) {
        // Draining: each item is recorded as it passes.
      }
    } catch {
      // The stream already settled its result with this error.
    }
  })();
}
