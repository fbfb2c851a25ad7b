// docs/protocols/luml.md §4.2-4.3 (task rows and status updates) and §5.2 (task model)
import type { Logger } from '@uplink/http';
import type { RejectedTaskRow } from '@uplink/platform-client';
import type { WorkerMetrics } from './metrics.js';
import type { Outbox } from './outbox.js';

/** The `reason` reported for a row whose only problems are in its `payload` (the reference agent's wording). */
const INVALID_PAYLOAD = 'invalid task payload';
/** The `reason` reported for a row that is malformed elsewhere. */
const INVALID_TASK = 'invalid task';

/**
 * Fail a task the platform listed but this worker cannot read (see `listTasks`' `rejected`):
 * `failed` with `{reason, error}` naming what is wrong, through the outbox like every other
 * update. The handler never runs and no `running` is sent. Never throws.
 */
export async function rejectTaskRow(
  row: RejectedTaskRow & { id: string },
  deps: { outbox: Outbox; logger: Logger; metrics: WorkerMetrics },
): Promise<void> {
  const onlyPayload = row.issues.every((issue) => issue.path?.split('.')[0] === 'payload');
  const result = {
    reason: onlyPayload ? INVALID_PAYLOAD : INVALID_TASK,
    error: `the platform sent a task row this worker cannot read: ${row.problem}`,
  };
  deps.logger.warn('task row does not match the task schema; failing it', {
    taskId: row.id,
    taskType: row.type,
    problem: row.problem,
  });
  try {
    await deps.outbox.enqueue(row.id, 'failed', result);
  } catch (error) {
    deps.logger.error('could not record the task result', {
      taskId: row.id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  deps.metrics.recordTask(row.type ?? 'unknown', 'invalid_payload', 0);
}
