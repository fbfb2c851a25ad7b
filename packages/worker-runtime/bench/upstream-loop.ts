// The reference: a loop shaped like the upstream Python satellite's poll tick
// (docs/protocols/luml.md §9): list pending tasks once, then run each listed task in turn,
// posting `running`, running the handler and posting `done`, each update awaited.
import type { SatelliteTask } from '@uplink/core-schemas/luml';
import type { SatellitePlatform } from '@uplink/platform-client';

/** One tick: returns how many tasks it ran. */
export async function upstreamTick(
  client: SatellitePlatform,
  handler: (task: SatelliteTask) => Record<string, unknown> | Promise<Record<string, unknown>>,
): Promise<number> {
  const tasks = await client.listTasks({ status: 'pending' });
  for (const task of tasks) {
    await client.updateTaskStatus(task.id, 'running');
    const result = await handler(task);
    await client.updateTaskStatus(task.id, 'done', result);
  }
  return tasks.length;
}
