// docs/protocols/luml.md §4.2 (task list) and §5.2 (task model)
import { type SatelliteTask, SatelliteTaskSchema } from '@uplink/core-schemas/luml';
import * as v from 'valibot';

/** One thing wrong with a rejected task row: where, what was expected, and the kind of value found. */
export interface RejectedTaskIssue {
  /** Dotted path inside the row (`payload`, `scheduled_at`), or undefined for the row itself. */
  path: string | undefined;
  /** What the task schema expects there (`Object`, `"pending" | "running" | …`, `uuid`). */
  expected: string;
  /** The kind of value found (`null`, `a string`, `nothing`), never the value itself. */
  received: string;
}

/**
 * A row of `GET /satellites/v1/tasks` that does not match the task schema. It is set aside so
 * the valid rows can still run; `id` (when the row has a usable one) lets the caller fail
 * that task on the platform instead of leaving it `pending` forever.
 */
export interface RejectedTaskRow {
  /** Position of the row in the server's array. */
  index: number;
  /** The row's `id` when it is a string of at most 128 characters. */
  id: string | undefined;
  /** The row's `type` when it is a string of at most 128 characters. */
  type: string | undefined;
  /** The issues in one line: `payload: expected Object, got null`. Values are never shown. */
  problem: string;
  /** The issues one by one (at most 10). */
  issues: RejectedTaskIssue[];
}

/**
 * What `PlatformClient.listTasks` returns: an ordinary array of the valid tasks, in server
 * order, that also carries the rows it set aside as a (non-enumerable) `rejected` property.
 */
export type TaskList = SatelliteTask[] & { readonly rejected: readonly RejectedTaskRow[] };

const MAX_ISSUES = 10;
const MAX_TEXT = 128;

const shortString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length <= MAX_TEXT ? value : undefined;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

function describeIssue(issue: v.BaseIssue<unknown>): RejectedTaskIssue {
  // valibot reports a missing key as an issue of the object whose `expected` is the key's name.
  const missing = issue.input === undefined && issue.type.endsWith('object');
  return {
    path: v.getDotPath(issue) ?? undefined,
    expected: missing ? 'a value' : (issue.expected ?? issue.type),
    received: kindOf(issue.input),
  };
}

/** Validate task rows one by one: the valid tasks, plus every other row with what is wrong with it. */
export function splitTaskRows(rows: readonly unknown[]): TaskList {
  const tasks: SatelliteTask[] = [];
  const rejected: RejectedTaskRow[] = [];
  rows.forEach((row, index) => {
    const parsed = v.safeParse(SatelliteTaskSchema, row);
    if (parsed.success) {
      tasks.push(parsed.output);
      return;
    }
    const issues = parsed.issues.slice(0, MAX_ISSUES).map(describeIssue);
    const record = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
    rejected.push({
      index,
      id: shortString(record.id),
      type: shortString(record.type),
      problem: issues
        .map((i) => `${i.path ? `${i.path}: ` : ''}expected ${i.expected}, got ${i.received}`)
        .join('; '),
      issues,
    });
  });
  Object.defineProperty(tasks, 'rejected', { value: rejected, enumerable: false });
  return tasks as TaskList;
}
