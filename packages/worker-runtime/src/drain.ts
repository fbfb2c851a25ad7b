import { sleep } from '@uplink/http';

/**
 * Wait for `drain()` up to `graceMs`, or until `force` aborts. Resolves `true` when everything
 * finished in time. The grace timer is cleared either way, so it never keeps the process alive.
 */
export async function drainWithin(
  drain: () => Promise<void>,
  graceMs: number,
  force: AbortSignal,
): Promise<boolean> {
  if (force.aborted) return false;
  const timeout = new AbortController();
  const onForce = (): void => timeout.abort();
  force.addEventListener('abort', onForce, { once: true });
  try {
    const expired = sleep(graceMs, timeout.signal).then(
      () => false,
      () => false,
    );
    const drained = await Promise.race([drain().then(() => true), expired]);
    return drained && !force.aborted;
  } finally {
    timeout.abort();
    force.removeEventListener('abort', onForce);
  }
}
