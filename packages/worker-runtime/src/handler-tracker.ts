import { sleep } from '@uplink/http';

/**
 * The handlers still running, including those whose task was already reported (a task's result
 * is sent as soon as its signal aborts, while the handler may still be cleaning up). The worker
 * waits for them, bounded, before its stop completes, so the process does not exit under a
 * handler that is still killing its child processes.
 */
export class HandlerTracker {
  readonly #running = new Set<Promise<void>>();

  /** Handlers that have not returned yet. */
  get size(): number {
    return this.#running.size;
  }

  /** Keep `settled` (a promise that never rejects) until it settles. */
  add(settled: Promise<void>): void {
    this.#running.add(settled);
    void settled.then(() => this.#running.delete(settled));
  }

  /** Resolves `true` when every handler has returned within `ms`, `false` when time ran out. */
  async settleWithin(ms: number): Promise<boolean> {
    if (this.#running.size === 0) return true;
    const timeout = new AbortController();
    try {
      const expired = sleep(ms, timeout.signal).then(
        () => false,
        () => false,
      );
      const settled = (async () => {
        while (this.#running.size > 0) await Promise.all([...this.#running]);
        return true;
      })();
      return await Promise.race([settled, expired]);
    } finally {
      timeout.abort();
    }
  }
}
