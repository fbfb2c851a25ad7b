import { TaskStatusSchema } from '@uplink/core-schemas/luml';
import * as v from 'valibot';
import type { OutboxEntry } from './outbox-store.js';

/** One line of the outbox log: an entry was added, or acknowledged (delivered or dropped). */
export type OutboxLogLine = { op: 'add'; entry: OutboxEntry } | { op: 'ack'; id: string };

/** A line of the log that was not replayed, by its 1-based line number and why (never its content). */
export interface SkippedOutboxLine {
  /** 1-based line number in the file. */
  line: number;
  /** Why it was skipped. */
  reason: 'not JSON' | 'not an outbox entry' | 'torn last line (a write cut short by a crash)';
}

/** A log line as read back: anything else (hand edits, another version, a bad disk) is skipped. */
const LogLineSchema = v.variant('op', [
  v.object({
    op: v.literal('add'),
    entry: v.object({
      id: v.pipe(v.string(), v.nonEmpty()),
      taskId: v.pipe(v.string(), v.nonEmpty()),
      status: TaskStatusSchema,
      result: v.nullable(v.record(v.string(), v.unknown())),
      enqueuedAt: v.number(),
    }),
  }),
  v.object({ op: v.literal('ack'), id: v.string() }),
]);

/**
 * Replay the text of an outbox log: the entries added and not acknowledged, in order, and every
 * line that could not be replayed. A UTF-8 byte order mark (an editor's doing) and CRLF line
 * ends are tolerated. A last line without its newline that is not JSON is a write the process
 * died in the middle of; it is reported as torn, apart from other damage.
 */
export function replayOutboxLog(text: string): {
  live: Map<string, OutboxEntry>;
  skipped: SkippedOutboxLine[];
} {
  const live = new Map<string, OutboxEntry>();
  const skipped: SkippedOutboxLine[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  lines.forEach((raw, index) => {
    if (!raw.trim()) return;
    const line = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      const torn = index === lines.length - 1;
      skipped.push({
        line,
        reason: torn ? 'torn last line (a write cut short by a crash)' : 'not JSON',
      });
      return;
    }
    const checked = v.safeParse(LogLineSchema, parsed);
    if (!checked.success) {
      skipped.push({ line, reason: 'not an outbox entry' });
      return;
    }
    const entry: OutboxLogLine = checked.output;
    if (entry.op === 'add') live.set(entry.entry.id, entry.entry);
    else live.delete(entry.id);
  });
  return { live, skipped };
}
