// luml-satellite-protocol §7.1 and §18.5 (no claim, lease or crash recovery on the platform)
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import type { HandlerRegistry } from './handler-registry.js';
import type { Outbox } from './outbox.js';
import { retry } from './retry.js';

/** The result reported for a task a previous process left `running`. */
export const WORKER_RESTARTED_RESULT = { reason: 'worker restarted' } as const;

/**
 * Resolve this satellite's tasks left `running` by a previous process: those with updates
 * still in the outbox are left to it; idempotent handlers run theirs again (`rerun`); every
 * other one is failed with `{reason: 'worker restarted'}`. Listing is retried a few times and
 * then skipped with a warning, so a flaky platform cannot block startup.
 */
export async function recoverInterruptedTasks(init: {
  client: SatellitePlatform;
  outbox: Outbox;
  registry: HandlerRegistry;
  logger: Logger;
  signal: AbortSignal;
  rerun: (task: SatelliteTask) => void;
}): Promise<void> {
  const { client, outbox, registry, logger, signal } = init;
  const running = await retry((_a, s) => client.listTasks({ status: 'running', signal: s }), {
    maxAttempts: 5,
    signal,
  }).catch((error: unknown) => {
    if (signal.aborted) throw error;
    logger.warn('could not list running tasks for recovery; skipping it', {
      error: error instanceof Error ? error.message : String(error),
    });
    return [] as SatelliteTask[];
  });
  for (const task of running) {
    if (task.status !== 'running' || outbox.hasTask(task.id)) continue;
    const fields = { taskId: task.id, taskType: task.type };
    if (registry.get(task.type)?.idempotent) {
      logger.info('re-running a task left running by a previous process', fields);
      init.rerun(task);
    } else {
      logger.warn('failing a task left running by a previous process', fields);
      await outbox.enqueue(task.id, 'failed', { ...WORKER_RESTARTED_RESULT });
    }
  }
}
