// Restart sequences with the file store: each "process" is an Outbox over a new
// FileOutboxStore on the same directory, closed as if the process died. Whatever the
// sequence, every update reaches the platform exactly once: none lost, none replayed.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectionError } from '@uplink/core-schemas';
import type { TaskStatus } from '@uplink/core-schemas/luml';
import type { SatellitePlatform } from '@uplink/platform-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from './outbox.js';
import { FileOutboxStore, OUTBOX_FILE_NAME } from './outbox-store.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

/** A platform that is up or down (or refuses some tasks for now); accepted updates are recorded. */
function platform() {
  const accepted: [taskId: string, status: TaskStatus][] = [];
  const state = { up: false, calls: 0, refusing: new Set<string>() };
  const client = {
    async updateTaskStatus(taskId: string, status: TaskStatus) {
      state.calls++;
      if (!state.up || state.refusing.has(taskId)) throw new ConnectionError('platform down');
      accepted.push([taskId, status]);
      return {} as never;
    },
  } as unknown as SatellitePlatform;
  return { client, accepted, state };
}

let dir: TempDirectory | undefined;
afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

/** Start a "process": an outbox over the state directory, opened. */
async function startProcess(client: SatellitePlatform, path: string) {
  const outbox = new Outbox({
    client,
    store: new FileOutboxStore(path),
    backoff: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  const resumed = await outbox.open();
  return { outbox, resumed };
}

describe('the file outbox across restarts', () => {
  it('loses no update when the platform stays down through two restarts (each load compacts)', async () => {
    dir = await tempDirectory();
    const p = platform();

    const first = await startProcess(p.client, dir.path);
    await first.outbox.enqueue('a', 'running');
    await first.outbox.enqueue('a', 'done', { n: 1 });
    await first.outbox.enqueue('b', 'running');
    await first.outbox.close();

    const second = await startProcess(p.client, dir.path);
    expect(second.resumed).toBe(3);
    await second.outbox.enqueue('b', 'failed', { reason: 'boom' });
    await second.outbox.close();

    const third = await startProcess(p.client, dir.path);
    expect(third.resumed).toBe(4);
    expect([...third.outbox.resumedTasks]).toEqual([
      ['a', ['running', 'done']],
      ['b', ['running', 'failed']],
    ]);
    p.state.up = true;
    await expect(third.outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    await third.outbox.close();
    // Tasks are delivered concurrently; each task's updates in order, each exactly once.
    expect(p.accepted.filter(([task]) => task === 'a')).toEqual([
      ['a', 'running'],
      ['a', 'done'],
    ]);
    expect(p.accepted.filter(([task]) => task === 'b')).toEqual([
      ['b', 'running'],
      ['b', 'failed'],
    ]);

    const fourth = await startProcess(p.client, dir.path);
    expect(fourth.resumed).toBe(0);
    await fourth.outbox.close();
    expect(p.accepted).toHaveLength(4);
    expect(await readFile(join(dir.path, OUTBOX_FILE_NAME), 'utf8')).toBe('');
  });

  it('replays nothing the platform accepted in the process that enqueued it', async () => {
    dir = await tempDirectory();
    const p = platform();
    p.state.up = true;
    const first = await startProcess(p.client, dir.path);
    await first.outbox.enqueue('a', 'running');
    await first.outbox.enqueue('a', 'done');
    await expect(first.outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    await first.outbox.close();

    p.state.up = false;
    const second = await startProcess(p.client, dir.path);
    expect(second.resumed).toBe(0);
    expect([...second.outbox.resumedTasks]).toEqual([]);
    await second.outbox.close();
    expect(p.accepted).toEqual([
      ['a', 'running'],
      ['a', 'done'],
    ]);
    expect(p.state.calls).toBe(2);
  });

  it('replays only what was still undelivered when the process died', async () => {
    dir = await tempDirectory();
    const p = platform();
    p.state.up = true;
    const first = await startProcess(p.client, dir.path);
    await first.outbox.enqueue('a', 'running');
    await first.outbox.flush({ timeoutMs: 5000 });
    p.state.up = false;
    await first.outbox.enqueue('a', 'done');
    await first.outbox.close();

    p.state.up = true;
    const second = await startProcess(p.client, dir.path);
    expect(second.resumed).toBe(1);
    await expect(second.outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    await second.outbox.close();
    expect(p.accepted).toEqual([
      ['a', 'running'],
      ['a', 'done'],
    ]);
  });

  it('keeps the log small on a long run: once everything is delivered it is compacted', async () => {
    dir = await tempDirectory();
    const p = platform();
    p.state.up = true;
    const { outbox } = await startProcess(p.client, dir.path);
    const path = join(dir.path, OUTBOX_FILE_NAME);
    // 501 updates make 1002 lines (an add and an ack each): past the compaction threshold.
    for (let i = 0; i < 501; i++) {
      await outbox.enqueue(`t${i}`, 'done');
      await outbox.flush({ timeoutMs: 5000 });
    }
    await outbox.close();
    expect((await stat(path)).size).toBe(0);
    expect(p.accepted).toHaveLength(501);
    const again = await startProcess(p.client, dir.path);
    expect(again.resumed).toBe(0);
    await again.outbox.close();
  });

  it('keeps an update still waiting when the log is compacted past the threshold', async () => {
    dir = await tempDirectory();
    const p = platform();
    p.state.up = true;
    const { outbox } = await startProcess(p.client, dir.path);
    for (let i = 0; i < 500; i++) {
      await outbox.enqueue(`t${i}`, 'done');
      await outbox.flush({ timeoutMs: 5000 });
    }
    p.state.refusing.add('stuck');
    await outbox.enqueue('stuck', 'failed', { reason: 'x' });
    await outbox.enqueue('quick', 'done');
    // `quick` is delivered (and acknowledged in the log) while `stuck` waits.
    await vi.waitFor(() => expect(outbox.pending).toBe(1));
    expect(p.accepted.at(-1)).toEqual(['quick', 'done']);
    await outbox.close();

    p.state.refusing.clear();
    const again = await startProcess(p.client, dir.path);
    expect(again.resumed).toBe(1);
    await expect(again.outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    await again.outbox.close();
    expect(p.accepted.slice(500)).toEqual([
      ['quick', 'done'],
      ['stuck', 'failed'],
    ]);
  });
});
