import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectionError, createApiError, ResponseValidationError } from '@uplink/core-schemas';
import type { SatellitePlatform } from '@uplink/platform-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from './outbox.js';
import { FileOutboxStore, MemoryOutboxStore, OUTBOX_FILE_NAME } from './outbox-store.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

type Call = { taskId: string; status: string; result: unknown };

/** A platform whose updateTaskStatus fails with the scripted errors, then succeeds. */
function scriptedPlatform(failures: unknown[] = []) {
  const calls: Call[] = [];
  const accepted: Call[] = [];
  const client = {
    async updateTaskStatus(taskId: string, status: string, result?: unknown) {
      calls.push({ taskId, status, result });
      const failure = failures.shift();
      if (failure) throw failure;
      accepted.push({ taskId, status, result });
      return {} as never;
    },
  } as unknown as SatellitePlatform;
  return { client, calls, accepted };
}

const fast = { baseDelayMs: 1, maxDelayMs: 2 };
let dir: TempDirectory | undefined;
afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

describe('Outbox', () => {
  it('retries until the platform accepts, keeping per-task order', async () => {
    const platform = scriptedPlatform([
      createApiError('busy', { status: 503 }),
      new ConnectionError('reset'),
      createApiError('slow down', { status: 429, retryAfterMs: 0 }),
    ]);
    const outbox = new Outbox({ client: platform.client, backoff: fast });
    await outbox.open();
    await outbox.enqueue('t1', 'running');
    await outbox.enqueue('t1', 'done', { ok: true });
    expect(outbox.hasTask('t1')).toBe(true);
    expect(outbox.pending).toBe(2);
    await expect(outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    expect(platform.accepted.map((c) => c.status)).toEqual(['running', 'done']);
    expect(platform.accepted[1]?.result).toEqual({ ok: true });
    expect(platform.calls).toHaveLength(5);
    expect(outbox.hasTask('t1')).toBe(false);
    expect(outbox.pending).toBe(0);
    await outbox.close();
  });

  it('posts at most maxConcurrentDeliveries updates at once across tasks, each task in order', async () => {
    const posted: Call[] = [];
    const held: (() => void)[] = [];
    let active = 0;
    let maxActive = 0;
    const client = {
      async updateTaskStatus(taskId: string, status: string, result?: unknown) {
        posted.push({ taskId, status, result });
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((resolve) => held.push(resolve));
        active--;
        return {} as never;
      },
    } as unknown as SatellitePlatform;
    const outbox = new Outbox({ client, maxConcurrentDeliveries: 2 });
    await outbox.open();
    for (const task of ['a', 'b', 'c', 'd']) {
      await outbox.enqueue(task, 'running');
      await outbox.enqueue(task, 'done', {});
    }
    await vi.waitFor(() => expect(held).toHaveLength(2));
    // Two posts in flight; the other six wait, none sent yet.
    expect(posted.map((c) => `${c.taskId}:${c.status}`)).toEqual(['a:running', 'b:running']);
    while (posted.length < 8) {
      const before = posted.length;
      held.shift()?.();
      await vi.waitFor(() => expect(posted.length).toBeGreaterThan(before));
      expect(active).toBeLessThanOrEqual(2);
    }
    for (const release of held.splice(0)) release();
    await expect(outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    expect(maxActive).toBe(2);
    for (const task of ['a', 'b', 'c', 'd']) {
      expect(posted.filter((c) => c.taskId === task).map((c) => c.status)).toEqual([
        'running',
        'done',
      ]);
    }
    await outbox.close();
  });

  it('onProgress() reports each entry that leaves the outbox, delivered or dropped, until unsubscribed', async () => {
    const platform = scriptedPlatform([createApiError('Task not found', { status: 404 })]);
    const outbox = new Outbox({ client: platform.client, backoff: fast });
    await outbox.open();
    const seen: number[] = [];
    const unsubscribe = outbox.onProgress(() => seen.push(outbox.pending));
    await outbox.enqueue('gone', 'done', {});
    await outbox.enqueue('t', 'running');
    await outbox.enqueue('t', 'done', {});
    await outbox.flush({ timeoutMs: 5000 });
    expect(seen.sort()).toEqual([0, 1, 2]);
    unsubscribe();
    await outbox.enqueue('u', 'done', {});
    await outbox.flush({ timeoutMs: 5000 });
    expect(seen).toHaveLength(3);
    await outbox.close();
  });

  it('close(): an update waiting for a delivery slot is not posted, and stays in the store', async () => {
    const posted: string[] = [];
    const held: (() => void)[] = [];
    const client = {
      async updateTaskStatus(taskId: string) {
        posted.push(taskId);
        // Ignores the abort signal, as a hand-written client might.
        await new Promise<void>((resolve) => held.push(resolve));
        return {} as never;
      },
    } as unknown as SatellitePlatform;
    const store = new MemoryOutboxStore();
    const outbox = new Outbox({ client, store, maxConcurrentDeliveries: 1 });
    await outbox.open();
    await outbox.enqueue('a', 'done', {});
    await outbox.enqueue('b', 'done', {});
    await vi.waitFor(() => expect(held).toHaveLength(1));
    await outbox.close();
    held.shift()?.();
    // Both deliveries have ended (a's post returned, b's gave up without posting).
    await vi.waitFor(() => expect(outbox.pending).toBe(0));
    expect(posted).toEqual(['a']);
    expect((await store.load()).map((entry) => entry.taskId)).toContain('b');
  });

  it('drops an update the platform refuses for good (404), and reports it', async () => {
    const platform = scriptedPlatform([createApiError('Task not found', { status: 404 })]);
    const onDropped = vi.fn();
    const onDelivered = vi.fn();
    const outbox = new Outbox({ client: platform.client, backoff: fast, onDropped, onDelivered });
    await outbox.open();
    await outbox.enqueue('gone', 'done', {});
    await outbox.enqueue('ok', 'done', {});
    await outbox.flush();
    expect(onDropped).toHaveBeenCalledTimes(1);
    expect(onDropped.mock.calls[0]?.[0]).toMatchObject({ taskId: 'gone' });
    expect(onDelivered).toHaveBeenCalledTimes(1);
    await outbox.close();
  });

  it.each([
    [401, 'Not authenticated'],
    [403, 'Not allowed'],
  ])(
    'keeps an update the platform refuses with %i, and delivers it once it is accepted',
    async (status, message) => {
      const refusal = createApiError(message, { status });
      const platform = scriptedPlatform([refusal, refusal]);
      const onDelivered = vi.fn();
      const onDropped = vi.fn();
      const outbox = new Outbox({ client: platform.client, backoff: fast, onDelivered, onDropped });
      await outbox.open();
      await outbox.enqueue('t', 'failed', { reason: 'x' });
      await expect(outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
      expect(platform.calls).toHaveLength(3);
      expect(platform.accepted).toEqual([
        { taskId: 't', status: 'failed', result: { reason: 'x' } },
      ]);
      expect(onDropped).not.toHaveBeenCalled();
      expect(onDelivered).toHaveBeenCalledTimes(1);
      await outbox.close();
    },
  );

  it('treats an odd 2xx echo (a response that fails validation) as delivered, without retrying', async () => {
    const platform = scriptedPlatform([new ResponseValidationError({ issues: [] })]);
    const onDelivered = vi.fn();
    const outbox = new Outbox({ client: platform.client, backoff: fast, onDelivered });
    await outbox.open();
    await outbox.enqueue('t', 'done', { ok: true });
    await expect(outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    expect(platform.calls).toHaveLength(1);
    expect(onDelivered.mock.calls).toEqual([
      [expect.objectContaining({ taskId: 't', status: 'done' })],
    ]);
    await outbox.close();
  });

  it('counts nothing pending once closed, and resumes every stored update when reopened', async () => {
    const down = Array.from({ length: 1000 }, () => new ConnectionError('down'));
    const platform = scriptedPlatform(down);
    const store = new MemoryOutboxStore();
    const outbox = new Outbox({ client: platform.client, store, backoff: fast });
    await outbox.open();
    await outbox.enqueue('a', 'running');
    await outbox.enqueue('a', 'done');
    await outbox.enqueue('b', 'failed');
    expect(outbox.pending).toBe(3);
    await outbox.close();
    await vi.waitFor(() => expect(outbox.pending).toBe(0));
    expect(outbox.taskIds()).toEqual([]);

    down.length = 0;
    expect(await outbox.open()).toBe(3);
    expect(outbox.pending).toBe(3);
    expect([...outbox.resumedTasks]).toEqual([
      ['a', ['running', 'done']],
      ['b', ['failed']],
    ]);
    await expect(outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    expect(outbox.pending).toBe(0);
    expect(platform.accepted.map((c) => [c.taskId, c.status])).toEqual([
      ['a', 'running'],
      ['b', 'failed'],
      ['a', 'done'],
    ]);
    await outbox.close();
  });

  it('flush resolves false on timeout or abort while updates are still undelivered', async () => {
    const platform = scriptedPlatform(
      Array.from({ length: 1000 }, () => new ConnectionError('down')),
    );
    const outbox = new Outbox({
      client: platform.client,
      backoff: { baseDelayMs: 5, maxDelayMs: 5 },
    });
    await outbox.open();
    await outbox.enqueue('t', 'done');
    await expect(outbox.flush({ timeoutMs: 20 })).resolves.toBe(false);
    const controller = new AbortController();
    const flushing = outbox.flush({ signal: controller.signal });
    controller.abort();
    await expect(flushing).resolves.toBe(false);
    await outbox.close();
    expect(outbox.taskIds()).toEqual([]);
  });

  it('survives a restart with the file store: undelivered updates are delivered by the next process', async () => {
    dir = await tempDirectory();
    const down = scriptedPlatform(Array.from({ length: 1000 }, () => new ConnectionError('down')));
    const first = new Outbox({
      client: down.client,
      store: new FileOutboxStore(dir.path),
      backoff: { baseDelayMs: 5, maxDelayMs: 5 },
    });
    expect(await first.open()).toBe(0);
    await first.enqueue('a', 'running');
    await first.enqueue('a', 'done', { n: 1 });
    await first.enqueue('b', 'failed', { reason: 'boom' });
    await first.close(); // as if the process died

    const up = scriptedPlatform();
    const second = new Outbox({
      client: up.client,
      store: new FileOutboxStore(dir.path),
      backoff: fast,
    });
    expect(await second.open()).toBe(3);
    expect(second.hasTask('a')).toBe(true);
    await second.flush({ timeoutMs: 5000 });
    expect(up.accepted.filter((c) => c.taskId === 'a').map((c) => c.status)).toEqual([
      'running',
      'done',
    ]);
    expect(up.accepted.find((c) => c.taskId === 'b')?.result).toEqual({ reason: 'boom' });
    await second.close();

    const third = new Outbox({ client: up.client, store: new FileOutboxStore(dir.path) });
    expect(await third.open()).toBe(0);
    await third.close();
  });

  it('file store skips a torn last line and compacts on load', async () => {
    dir = await tempDirectory();
    const path = join(dir.path, OUTBOX_FILE_NAME);
    const entry = { id: 'e1', taskId: 't', status: 'done', result: null, enqueuedAt: 1 };
    await writeFile(
      path,
      `${JSON.stringify({ op: 'add', entry })}\n${JSON.stringify({ op: 'add', entry: { ...entry, id: 'e2' } })}\n${JSON.stringify({ op: 'ack', id: 'e2' })}\n{"op":"add","ent`,
    );
    const store = new FileOutboxStore(dir.path);
    expect((await store.load()).map((e) => e.id)).toEqual(['e1']);
    expect(store.skippedLines).toBe(1);
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(1);
    await store.remove('e1');
    await store.remove('missing');
    await store.close();
    expect(await new FileOutboxStore(dir.path).load()).toEqual([]);
  });

  it('file store skips lines that are JSON but not outbox entries, instead of crashing', async () => {
    dir = await tempDirectory();
    const path = join(dir.path, OUTBOX_FILE_NAME);
    const entry = {
      id: 'e1',
      taskId: 't',
      status: 'failed',
      result: { reason: 'x' },
      enqueuedAt: 1,
    };
    const lines = [
      'null',
      '42',
      '"text"',
      JSON.stringify({ op: 'add', entry: { id: 'e3' } }),
      JSON.stringify({ op: 'add', entry: { ...entry, id: 'e4', status: 'completed' } }),
      JSON.stringify({ op: 'rewind' }),
      JSON.stringify({ op: 'add', entry }),
    ];
    await writeFile(path, `${lines.join('\n')}\n`);
    const store = new FileOutboxStore(dir.path);
    expect(await store.load()).toEqual([entry]);
    expect(store.skippedLines).toBe(6);
    await store.close();
  });

  it('file store tolerates a UTF-8 BOM: the first entry is not lost', async () => {
    dir = await tempDirectory();
    const entry = { id: 'e1', taskId: 't', status: 'done', result: null, enqueuedAt: 1 };
    const second = { ...entry, id: 'e2', taskId: 'u' };
    await writeFile(
      join(dir.path, OUTBOX_FILE_NAME),
      `\uFEFF${JSON.stringify({ op: 'add', entry })}\r\n${JSON.stringify({ op: 'add', entry: second })}\r\n`,
    );
    const store = new FileOutboxStore(dir.path);
    expect(await store.load()).toEqual([entry, second]);
    expect(store.skippedLines).toBe(0);
    await store.close();
  });

  it('file store counts and logs every skipped line by number, never its content, and keeps a copy', async () => {
    dir = await tempDirectory();
    const path = join(dir.path, OUTBOX_FILE_NAME);
    const entry = { id: 'e1', taskId: 't', status: 'done', result: null, enqueuedAt: 1 };
    const lines = [
      JSON.stringify({ op: 'add', entry }),
      'garbage with a secret dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk',
      '',
      JSON.stringify({ op: 'add', entry: { ...entry, id: 'e2' } }),
      JSON.stringify({ op: 'add', entry: { id: 'e3', value: 'sk-proj-hidden' } }),
      '{"op":"add","entry":{"id":"e4","taskId":"t","sta', // torn: the process died mid-write
    ];
    const original = lines.join('\n');
    await writeFile(path, original);
    const warnings: { message: string; fields: unknown }[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (message: string, fields?: unknown) => warnings.push({ message, fields }),
      error: () => {},
    };
    const store = new FileOutboxStore(dir.path, { logger });
    expect((await store.load()).map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(store.skippedLines).toBe(3);
    expect(store.skipped).toEqual([
      { line: 2, reason: 'not JSON' },
      { line: 5, reason: 'not an outbox entry' },
      { line: 6, reason: 'torn last line (a write cut short by a crash)' },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ path, skipped: 3, lines: store.skipped });
    const logged = JSON.stringify(warnings);
    for (const secret of ['dfssat_', 'garbage', 'sk-proj', '"sta']) {
      expect(logged).not.toContain(secret);
    }
    // The compacted log holds only live entries; the original is kept beside it for inspection.
    const copy = (warnings[0]?.fields as { copy: string } | undefined)?.copy ?? '';
    expect(copy.startsWith(`${path}.skipped-`)).toBe(true);
    expect(await readFile(copy, 'utf8')).toBe(original);
    expect((await readdir(dir.path)).sort()).toEqual(
      [OUTBOX_FILE_NAME, copy.slice(dir.path.length + 1)].sort(),
    );
    await store.close();
  });

  it('file store with fsync keeps the same log (every add flushed to disk)', async () => {
    dir = await tempDirectory();
    const entry = { id: 'e1', taskId: 't', status: 'done', result: null, enqueuedAt: 1 } as const;
    const store = new FileOutboxStore(dir.path, { fsync: true });
    expect(await store.load()).toEqual([]);
    await store.add(entry);
    await store.add({ ...entry, id: 'e2' });
    await store.remove('e2');
    await store.close();
    expect(await new FileOutboxStore(dir.path, { fsync: true }).load()).toEqual([entry]);
  });

  it('memory store keeps entries until removed', async () => {
    const store = new MemoryOutboxStore();
    await store.add({ id: 'x', taskId: 't', status: 'done', result: null, enqueuedAt: 0 });
    expect(await store.load()).toHaveLength(1);
    await store.remove('x');
    expect(await store.load()).toHaveLength(0);
    await store.close();
  });
});
