// docs/protocols/agent-sdk.md §1.8: one bounded live queue per run, shared by every consumer
// (SSE and WebSocket), dropping the oldest event when full. Behaves like the asyncio.Queue it
// stands in for: waiters are served first come first served, and a consumer that leaves while
// waiting takes nothing with it.

/** A waiting `get()`. */
interface Waiter<T> {
  resolve(value: T): void;
}

/** An asyncio.Queue(maxsize) with the server's "drop the oldest when full" put. */
export class LiveQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(readonly maxSize: number) {}

  /** Items waiting to be taken. */
  get size(): number {
    return this.#items.length;
  }

  /** Consumers waiting for an item. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** `put_nowait`, or drop the oldest item and put (the server's handling of `QueueFull`). */
  put(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(item);
      return;
    }
    if (this.#items.length >= this.maxSize) {
      this.#items.shift();
      this.dropped++;
    }
    this.#items.push(item);
  }

  /** Empty the queue (the server does this after sending a connection's history). */
  drain(): T[] {
    return this.#items.splice(0);
  }

  /**
   * Wait for the next item. Aborting the signal withdraws the waiter (an asyncio task cancelled
   * in `get()`), so the next item goes to another consumer.
   */
  get(signal: AbortSignal): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const waiter: Waiter<T> = {
        resolve: (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
      };
      const onAbort = (): void => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }
}
