// docs/protocols/luml.md §4.2 (tasks are listed by `scheduled_at` ascending)
import type { SatelliteTask } from '@uplink/core-schemas/luml';

/** Milliseconds since the epoch and the sub-millisecond rest (in ns) of an ISO timestamp. */
function instant(timestamp: string): [number, number] {
  const ms = Date.parse(timestamp);
  const fraction = /\.(\d+)/u.exec(timestamp)?.[1] ?? '';
  return [ms, Number(fraction.padEnd(9, '0').slice(3, 9))];
}

/**
 * `tasks` sorted by {@link byScheduledAt}, parsing each timestamp once instead of at every
 * comparison (a list of n tasks costs n parses, not n log n): listing a 10,000-task backlog
 * stays cheap. Ties keep their order in `tasks`.
 */
export function sortByScheduledAt(tasks: readonly SatelliteTask[]): SatelliteTask[] {
  const keyed = tasks.map((task, index) => ({ task, index, at: instant(task.scheduled_at) }));
  keyed.sort((a, b) => compareInstants(a.task, a.at, b.task, b.at) || a.index - b.index);
  return keyed.map((entry) => entry.task);
}

/**
 * Order tasks by `scheduled_at` as the database does: by instant, not by text, so
 * `…11.482913Z` comes after `…11.482Z` and offsets are honoured. Unparsable values fall back
 * to text order; ties keep insertion order (the sort is stable).
 */
export function byScheduledAt(a: SatelliteTask, b: SatelliteTask): number {
  return compareInstants(a, instant(a.scheduled_at), b, instant(b.scheduled_at));
}

function compareInstants(
  a: SatelliteTask,
  [ams, ans]: [number, number],
  b: SatelliteTask,
  [bms, bns]: [number, number],
): number {
  if (Number.isNaN(ams) || Number.isNaN(bms))
    return a.scheduled_at < b.scheduled_at ? -1 : a.scheduled_at > b.scheduled_at ? 1 : 0;
  return ams - bms || ans - bns;
}
