// docs/protocols/luml.md §20 (graceful shutdown): the last steps of a Worker's stop, after
// polling has stopped and in-flight tasks drained or were aborted.
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import { seconds } from './describe.js';
import { drainWithin } from './drain.js';
import type { HandlerTracker } from './handler-tracker.js';
import type { HealthServer } from './health-server.js';
import type { Outbox } from './outbox.js';
import type { PollingLoop } from './polling-loop.js';
import type { StateLock } from './state-lock.js';

/**
 * Wait up to `graceMs` for the tasks in flight (polling has stopped); past it, or at once after
 * a forced stop, abort them through `shutdown` and wait for them to fail. `inFlightAtStop` is
 * counted when the stop began: after a forced stop those are the aborted tasks, even the ones
 * that finished failing before polling stopped.
 */
export async function drainTasks(
  loop: PollingLoop | undefined,
  graceMs: number,
  inFlightAtStop: number,
  shutdown: AbortController,
  logger: Logger,
): Promise<{ drained: boolean; abortedTasks: number }> {
  const drained =
    !loop || loop.inFlight.length === 0
      ? true
      : await drainWithin(() => loop.drain(), graceMs, shutdown.signal);
  if (drained) return { drained, abortedTasks: shutdown.signal.aborted ? inFlightAtStop : 0 };
  const abortedTasks = loop?.inFlight.length ?? 0;
  if (!shutdown.signal.aborted) {
    logger.warn(`grace period of ${seconds(graceMs)} over; aborting ${abortedTasks} task(s)`, {
      abortedTasks,
      graceMs,
    });
  }
  shutdown.abort();
  await loop?.drain();
  return { drained, abortedTasks };
}

/**
 * Handlers whose signal was aborted get `abortGraceMs` to return (to stop their child
 * processes, say) before the stop completes, and with it, under `runWorker` or the signal
 * handlers, the process.
 */
export async function awaitAbortedHandlers(
  handlers: HandlerTracker,
  abortGraceMs: number,
  logger: Logger,
): Promise<void> {
  const count = handlers.size;
  if (count === 0) return;
  logger.info(`waiting up to ${seconds(abortGraceMs)} for ${count} aborted handler(s) to return`, {
    handlers: count,
    abortGraceMs,
  });
  if (!(await handlers.settleWithin(abortGraceMs))) {
    logger.warn(
      `${handlers.size} handler(s) did not return within ${seconds(abortGraceMs)} of their abort; stopping anyway`,
      { handlers: handlers.size, abortGraceMs },
    );
  }
}

/** What a stopping worker still holds. */
export interface WorkerResources {
  outbox: Outbox | undefined;
  lock: StateLock | undefined;
  health: HealthServer | undefined;
  /** The platform client, closed only when the worker opened it. */
  client: SatellitePlatform | undefined;
  ownsClient: boolean;
}

/**
 * Flush the outbox for up to `flushMs` (updates left undelivered are logged, and kept when a
 * state directory or an outbox store of the caller's holds them), then close it, release the state lock, the health
 * server and the client. Returns how many updates were left undelivered.
 */
export async function closeResources(
  resources: WorkerResources,
  flushMs: number,
  kept: { stateDir: boolean; store: boolean },
  logger: Logger,
): Promise<number> {
  let undelivered = 0;
  const { outbox } = resources;
  if (outbox) {
    await outbox.flush({ timeoutMs: flushMs });
    undelivered = outbox.pending;
    if (undelivered > 0) {
      logger[kept.stateDir ? 'warn' : 'error']('outbox not empty at shutdown', {
        undelivered,
        kept: kept.stateDir || kept.store,
      });
    }
    await outbox.close();
  }
  // Released only once the outbox file is closed: the next worker may then open it.
  await resources.lock?.release();
  await resources.health?.close();
  if (resources.ownsClient) await resources.client?.close();
  return undelivered;
}
