import { sleep } from '@uplink/http';

/**
 * Probe a health URL until it answers 200 or the time runs out (docs/protocols/luml.md §10 step 7:
 * one probe a second, 5 s timeout each; the demo probes faster so deploys feel instant).
 */
export async function waitUntilHealthy(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
  intervalMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      const res = await fetch(url, {
        signal: AbortSignal.any([AbortSignal.timeout(5000), ...(signal ? [signal] : [])]),
      });
      await res.body?.cancel();
      if (res.status === 200) return true;
    } catch {
      // Not up yet: keep probing, unless the task itself was aborted.
      signal?.throwIfAborted();
    }
    // http's sleep rejects at once when the task is aborted, instead of finishing the wait.
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())), signal);
  }
  return false;
}
