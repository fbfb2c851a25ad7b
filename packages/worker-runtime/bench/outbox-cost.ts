// Cost of one status update through the file outbox (an `add` then its `ack`), fsync off/on.
import { FileOutboxStore, tempDirectory } from '../src/index.ts';

export async function outboxCost(fsync: boolean, updates: number): Promise<number> {
  await using dir = await tempDirectory({ prefix: 'uplink-bench-outbox-' });
  const store = new FileOutboxStore(dir.path, { fsync });
  await store.load();
  const started = performance.now();
  for (let i = 0; i < updates; i++) {
    const id = `e${i}`;
    await store.add({ id, taskId: 't', status: 'done', result: { i }, enqueuedAt: i });
    await store.remove(id);
  }
  const ms = (performance.now() - started) / updates;
  await store.close();
  return ms;
}
