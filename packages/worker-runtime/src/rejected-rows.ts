// docs/protocols/luml.md §4.2 (listed tasks) and §18.15 (a row without a usable id)
import type { Logger } from '@uplink/http';
import type { RejectedTaskRow } from '@uplink/platform-client';

/** Remembered problems of rows without an id, so each is logged once. */
const UNREPORTABLE_LIMIT = 1000;

/** What {@link handleRejectedRows} needs from the polling loop. */
export interface RejectedRowsContext {
  logger: Logger;
  /** Fails the task on the platform; without it, rows are logged and skipped. */
  reject: ((row: RejectedTaskRow & { id: string }) => Promise<unknown>) | undefined;
  /** Problems already logged for rows without an id (kept by the caller across polls). */
  unreportable: Set<string>;
  /** Whether the task is already queued, running, handled or waiting in the outbox. */
  isKnown: (id: string) => boolean;
  /** Mark a task as handled without running anything. */
  remember: (id: string) => void;
  /** Run `work` for the task as an in-flight task (remembered, counted against concurrency). */
  track: (id: string, work: () => Promise<unknown>) => void;
}

/** Rows the client could not read: fail each task once; log rows without an id once. */
export function handleRejectedRows(
  rows: readonly RejectedTaskRow[],
  context: RejectedRowsContext,
): void {
  const { logger, reject, unreportable } = context;
  for (const row of rows) {
    const { id } = row;
    if (id === undefined) {
      const key = `${row.type}\u0000${row.problem}`;
      if (unreportable.has(key) || unreportable.size >= UNREPORTABLE_LIMIT) continue;
      unreportable.add(key);
      logger.error('a listed task row has no usable id; it cannot be failed on the platform', {
        index: row.index,
        taskType: row.type,
        problem: row.problem,
      });
      continue;
    }
    if (context.isKnown(id)) continue;
    if (!reject) {
      context.remember(id);
      logger.warn('skipping a task row that does not match the task schema', {
        taskId: id,
        problem: row.problem,
      });
      continue;
    }
    context.track(id, () => reject({ ...row, id }));
  }
}
