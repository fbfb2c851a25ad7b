import { AbortError } from '@uplink/core-schemas';

/**
 * Wait `ms` milliseconds. Rejects with {@link AbortError} (its `cause` is the signal's reason)
 * when the signal aborts, and removes its listener either way, so a long-lived signal can be
 * passed to any number of sleeps.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError('The wait was aborted', { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError('The wait was aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
