// docs/protocols/luml.md §7.1 and §18.5 (no claim, lease or crash recovery on the platform)
import type { SatelliteTask, TaskStatus } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import type { RejectedTaskRow, SatellitePlatform } from '@uplink/platform-client';
import type { HandlerRegistry } from './handler-registry.js';
import type { Outbox } from './outbox.js';
import { retry } from './retry.js';

/** The result reported for a task a previous process left `running`. */
export const WORKER_RESTARTED_RESULT = { reason: 'worker restarted' } as const;

const isTerminal = (status: TaskStatus): boolean => status === 'done' || status === 'failed';

/**
 * Resolve this satellite's tasks a previous process left unfinished: those listed `running`,
 * and those whose outbox entries (kept in a file store) end with `running`, whose update may
 * never have reached the platform (so they may still be listed `pending`). A task whose outbox
 * entries already hold its `done`/`failed` is left to the outbox. Idempotent handlers run theirs
 * again (`rerun`); every other one is failed with `{reason: 'worker restarted'}`. Listing is
 * retried a few times and then skipped with a warning, so a flaky platform cannot block startup.
 */
export async function recoverInterruptedTasks(init: {
  client: SatellitePlatform;
  outbox: Outbox;
  registry: HandlerRegistry;
  logger: Logger;
  signal: AbortSignal;
  rerun: (task: SatelliteTask) => void;
  /** Fails a listed `running` row the client could not read (malformed tasks in `pending` are the poll loop's). */
  reject?: ((row: RejectedTaskRow & { id: string }) => Promise<unknown>) | undefined;
  /** Backoff between listing attempts (5 at most). */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
}): Promise<void> {
  const { client, outbox, registry, logger, signal } = init;
  const resumed = outbox.resumedTasks;
  const interruptedInOutbox = [...resumed].filter(([, statuses]) => !statuses.some(isTerminal));
  const list = async (
    status: TaskStatus,
  ): Promise<SatelliteTask[] & { readonly rejected?: readonly RejectedTaskRow[] | undefined }> =>
    retry((_a, s) => client.listTasks({ status, signal: s }), {
      maxAttempts: 5,
      backoff: init.backoff,
      signal,
    }).catch((error: unknown) => {
      if (signal.aborted) throw error;
      logger.warn(`could not list ${status} tasks for recovery; skipping it`, {
        error: error instanceof Error ? error.message : String(error),
      });
      return [] as SatelliteTask[];
    });
  const running = await list('running');
  // Stryker disable next-line ArrayDeclaration: without rejected rows, a made-up row has no id and is skipped like none
  for (const row of running.rejected ?? []) {
    if (row.id !== undefined && init.reject) await init.reject({ ...row, id: row.id });
  }
  const candidates = [...running];
  // Only needed when a `running` update may still be undelivered (the task then shows `pending`).
  if (interruptedInOutbox.length > 0) candidates.push(...(await list('pending')));
  const handled = new Set<string>();
  for (const task of candidates) {
    if (handled.has(task.id)) continue;
    handled.add(task.id);
    const statuses = resumed.get(task.id);
    const interrupted = statuses
      ? !statuses.some(isTerminal) && (task.status === 'running' || task.status === 'pending')
      : task.status === 'running' && !outbox.hasTask(task.id);
    if (!interrupted) continue;
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
