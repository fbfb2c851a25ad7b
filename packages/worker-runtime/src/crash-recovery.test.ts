import { ConnectionError } from '@uplink/core-schemas';
import type { SatelliteTask, TaskStatus } from '@uplink/core-schemas/luml';
import type { RejectedTaskRow } from '@uplink/platform-client';
import { MockPlatformClient } from '@uplink/testing';
import { describe, expect, it, vi } from 'vitest';
import { recoverInterruptedTasks, WORKER_RESTARTED_RESULT } from './crash-recovery.js';
import { defineHandler } from './handler.js';
import { HandlerRegistry } from './handler-registry.js';
import { Outbox } from './outbox.js';
import { MemoryOutboxStore } from './outbox-store.js';

const registry = new HandlerRegistry([
  defineHandler('deploy', { run: () => ({}) }),
  defineHandler('sync', { idempotent: true, run: () => ({}) }),
]);

/**
 * A process starting after a crash: the platform holds `tasks`, and the outbox store hands back
 * the status updates the previous process had not had acknowledged (`outboxHeld`, by task).
 */
async function restartAfterCrash(
  tasks: Partial<SatelliteTask>[],
  outboxHeld: (created: SatelliteTask[]) => [taskId: string, status: TaskStatus][] = () => [],
) {
  const client = new MockPlatformClient();
  const created = tasks.map((t) => client.addTask(t));
  // Deliveries fail, so every update recovery enqueues stays visible in the store.
  client.respond('updateTaskStatus', new ConnectionError('platform down'));
  const held = outboxHeld(created);
  const store = new MemoryOutboxStore();
  for (const [n, [taskId, status]] of held.entries()) {
    await store.add({ id: `held-${n}`, taskId, status, result: null, enqueuedAt: n });
  }
  const outbox = new Outbox({ client, store, backoff: { baseDelayMs: 60_000 } });
  await outbox.open();
  const warnings: string[] = [];
  const logs: { level: string; message: string; fields: unknown }[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: unknown): void => {
      logs.push({ level, message, fields });
      if (level === 'warn') warnings.push(message);
    };
  const rerun = vi.fn<(task: SatelliteTask) => void>();
  const reject = vi.fn(async (_row: RejectedTaskRow & { id: string }) => {});
  const recover = (signal = new AbortController().signal) =>
    recoverInterruptedTasks({
      client,
      outbox,
      registry,
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      signal,
      rerun,
      reject,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
    });
  return {
    client,
    created,
    outbox,
    rerun,
    reject,
    warnings,
    logs,
    recover,
    /** The updates recovery enqueued (beyond what the previous process left). */
    enqueued: async () =>
      (await store.load()).slice(held.length).map((e) => [e.taskId, e.status, e.result]),
    /** The statuses recovery listed, in order. */
    listed: () => client.calls('listTasks').map(([query]) => query?.status),
    rerunIds: () => rerun.mock.calls.map(([task]) => task.id),
    [Symbol.asyncDispose]: () => outbox.close(),
  };
}

const failed = (id: string) => [id, 'failed', WORKER_RESTARTED_RESULT];

describe('recoverInterruptedTasks: which tasks a crash interrupted', () => {
  it('fails a task listed running with nothing in the outbox, and re-runs an idempotent one', async () => {
    await using run = await restartAfterCrash([
      { type: 'deploy', status: 'running' },
      { type: 'sync', status: 'running' },
    ]);
    const [deploy, sync] = run.created;
    await run.recover();
    expect(await run.enqueued()).toEqual([failed(deploy!.id)]);
    expect(run.rerunIds()).toEqual([sync!.id]);
    // Nothing in the outbox was interrupted, so pending tasks are the poll loop's: not listed.
    expect(run.listed()).toEqual(['running']);
  });

  it('recovers tasks whose `running` never reached the platform (still pending there)', async () => {
    await using run = await restartAfterCrash(
      [
        { type: 'deploy', status: 'pending' },
        { type: 'sync', status: 'pending' },
        { type: 'deploy', status: 'pending' },
      ],
      ([deploy, sync]) => [
        [deploy!.id, 'running'],
        [sync!.id, 'running'],
      ],
    );
    const [deploy, sync, neverStarted] = run.created;
    await run.recover();
    expect(await run.enqueued()).toEqual([failed(deploy!.id)]);
    expect(run.rerunIds()).toEqual([sync!.id]);
    expect(run.listed()).toEqual(['running', 'pending']);
    // A pending task the outbox knows nothing of is the poll loop's.
    expect(run.client.tasks.get(neverStarted!.id)?.status).toBe('pending');
  });

  it('recovers a task whose outbox ends with `running` while the platform lists it running', async () => {
    await using run = await restartAfterCrash([{ type: 'deploy', status: 'running' }], ([t]) => [
      [t!.id, 'running'],
    ]);
    await run.recover();
    expect(await run.enqueued()).toEqual([failed(run.created[0]!.id)]);
  });

  it.each([
    ['running, done', ['running', 'done']],
    ['running, failed', ['running', 'failed']],
    ['done', ['done']],
    ['failed', ['failed']],
  ] as const)(
    'leaves a task whose outbox holds its final status (%s) to the outbox',
    async (_name, statuses) => {
      await using run = await restartAfterCrash(
        [
          { type: 'deploy', status: 'running' },
          { type: 'sync', status: 'pending' },
        ],
        (tasks) => tasks.flatMap((t) => statuses.map((s) => [t.id, s] as [string, TaskStatus])),
      );
      await run.recover();
      expect(await run.enqueued()).toEqual([]);
      expect(run.rerun).not.toHaveBeenCalled();
      // Every task in the outbox is settled: no `running` can be undelivered, so no pending list.
      expect(run.listed()).toEqual(['running']);
    },
  );

  it('leaves a running task alone when this process already queued an update for it', async () => {
    await using run = await restartAfterCrash([{ type: 'deploy', status: 'running' }]);
    const [task] = run.created;
    await run.outbox.enqueue(task!.id, 'done', { ok: true });
    await run.recover();
    expect(await run.enqueued()).toEqual([[task!.id, 'done', { ok: true }]]);
  });

  it('handles a task listed both running and pending once', async () => {
    await using run = await restartAfterCrash([{ type: 'deploy', status: 'running' }], ([t]) => [
      [t!.id, 'running'],
    ]);
    const [task] = run.created;
    run.client.respond('listTasks', async () => [{ ...task! }]);
    await run.recover();
    expect(run.listed()).toEqual(['running', 'pending']);
    expect(await run.enqueued()).toEqual([failed(task!.id)]);
  });
});

describe('recoverInterruptedTasks: what it says, and rows it cannot trust', () => {
  it('logs each task it re-runs (info) or fails (warn), by id and type', async () => {
    await using run = await restartAfterCrash([
      { type: 'deploy', status: 'running' },
      { type: 'sync', status: 'running' },
    ]);
    const [deploy, sync] = run.created;
    await run.recover();
    expect(run.logs).toEqual([
      {
        level: 'warn',
        message: 'failing a task left running by a previous process',
        fields: { taskId: deploy!.id, taskType: 'deploy' },
      },
      {
        level: 'info',
        message: 're-running a task left running by a previous process',
        fields: { taskId: sync!.id, taskType: 'sync' },
      },
    ]);
  });

  it('fails a task left running whose type no handler knows, instead of crashing', async () => {
    await using run = await restartAfterCrash([{ type: 'retired-type', status: 'running' }]);
    await run.recover();
    expect(await run.enqueued()).toEqual([failed(run.created[0]!.id)]);
    expect(run.rerun).not.toHaveBeenCalled();
  });

  it('leaves alone a task a listing shows finished, even when its outbox ends with `running`', async () => {
    // A platform that ignores the status filter lists every task, finished ones included.
    await using run = await restartAfterCrash(
      [
        { type: 'deploy', status: 'done' },
        { type: 'sync', status: 'failed' },
      ],
      (tasks) => tasks.map((t) => [t.id, 'running'] as [string, TaskStatus]),
    );
    run.client.respond('listTasks', async () => [...run.client.tasks.values()]);
    await run.recover();
    expect(await run.enqueued()).toEqual([]);
    expect(run.rerun).not.toHaveBeenCalled();
  });
});

describe('recoverInterruptedTasks: a platform that cannot list', () => {
  it('retries a failed listing five times, then skips it with a warning', async () => {
    await using run = await restartAfterCrash([{ type: 'deploy', status: 'running' }]);
    run.client.respond('listTasks', new ConnectionError('platform down'));
    await run.recover();
    expect(run.listed()).toEqual(['running', 'running', 'running', 'running', 'running']);
    expect(run.logs).toEqual([
      {
        level: 'warn',
        message: 'could not list running tasks for recovery; skipping it',
        fields: { error: 'platform down' },
      },
    ]);
    expect(await run.enqueued()).toEqual([]);
  });

  it('rethrows when stopped while listing, without a warning', async () => {
    await using run = await restartAfterCrash([{ type: 'deploy', status: 'running' }]);
    const controller = new AbortController();
    run.client.respond('listTasks', () => {
      controller.abort();
      throw new ConnectionError('platform down');
    });
    await expect(run.recover(controller.signal)).rejects.toBeInstanceOf(ConnectionError);
    expect(run.warnings).toEqual([]);
  });

  it('fails the listed running rows the client could not read, through reject', async () => {
    await using run = await restartAfterCrash([]);
    const unreadable = {
      index: 0,
      type: 'deploy',
      problem: 'payload: expected Object',
      issues: [],
    };
    const rows = Object.assign([], {
      rejected: [
        { ...unreadable, id: 'bad-1' },
        { ...unreadable, index: 1, id: undefined },
      ],
    });
    run.client.respond('listTasks', async () => rows as never);
    await run.recover();
    expect(run.reject.mock.calls).toEqual([[{ ...unreadable, id: 'bad-1' }]]);
  });
});
