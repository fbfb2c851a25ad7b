import { getEventListeners } from 'node:events';
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

/** A logger that keeps every line, with its level and fields. */
function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}): void =>
      void lines.push({ level, message, fields });
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

const stored = (id: string, taskId: string, status: 'running' | 'done' = 'done') => ({
  id,
  taskId,
  status,
  result: null,
  enqueuedAt: 0,
});

describe('Outbox: opening and what it reports', () => {
  it('opening twice loads the store once: a stored update is not delivered twice', async () => {
    const store = new MemoryOutboxStore();
    await store.add(stored('e1', 'a'));
    const held: (() => void)[] = [];
    const posted: string[] = [];
    const client = {
      async updateTaskStatus(taskId: string) {
        posted.push(taskId);
        await new Promise<void>((resolve) => held.push(resolve));
        return {} as never;
      },
    } as unknown as SatellitePlatform;
    const outbox = new Outbox({ client, store });
    expect(await outbox.open()).toBe(1);
    expect(await outbox.open()).toBe(1);
    expect(outbox.pending).toBe(1);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    for (const release of held.splice(0)) release();
    await expect(outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    expect(posted).toEqual(['a']);
    await outbox.close();
  });

  it('says at info how many updates a previous run left, and nothing when it left none', async () => {
    const store = new MemoryOutboxStore();
    const quiet = recordingLogger();
    const empty = new Outbox({ client: scriptedPlatform().client, store, logger: quiet.logger });
    expect(await empty.open()).toBe(0);
    await empty.close();
    expect(quiet.lines).toEqual([]);

    await store.add(stored('e1', 'a', 'running'));
    await store.add(stored('e2', 'a'));
    const { lines, logger } = recordingLogger();
    const outbox = new Outbox({ client: scriptedPlatform().client, store, logger });
    expect(await outbox.open()).toBe(2);
    expect(lines[0]).toEqual({
      level: 'info',
      message: 'outbox: resuming updates left by a previous run',
      fields: { count: 2 },
    });
    await outbox.flush({ timeoutMs: 5000 });
    await outbox.close();
  });

  it('lists the tasks whose updates are still waiting, and forgets each once delivered', async () => {
    const platform = scriptedPlatform([new ConnectionError('down'), new ConnectionError('down')]);
    const outbox = new Outbox({ client: platform.client, backoff: fast });
    await outbox.open();
    expect(outbox.taskIds()).toEqual([]);
    await outbox.enqueue('a', 'done', {});
    await outbox.enqueue('b', 'done', {});
    expect(outbox.taskIds()).toEqual(['a', 'b']);
    expect(outbox.hasTask('b')).toBe(true);
    await outbox.flush({ timeoutMs: 5000 });
    expect(outbox.taskIds()).toEqual([]);
    expect(outbox.hasTask('b')).toBe(false);
    await outbox.close();
  });
});

describe('Outbox: flush', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('resolves true at once when nothing is waiting', async () => {
    const outbox = new Outbox({ client: scriptedPlatform().client });
    await outbox.open();
    await expect(outbox.flush()).resolves.toBe(true);
    await expect(outbox.flush({ signal: AbortSignal.abort() })).resolves.toBe(true);
    await outbox.close();
  });

  it('without a timeout, waits as long as delivery takes', async () => {
    const platform = scriptedPlatform([new ConnectionError('down'), new ConnectionError('down')]);
    const outbox = new Outbox({
      client: platform.client,
      backoff: { baseDelayMs: 40, maxDelayMs: 40 },
    });
    await outbox.open();
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    await outbox.enqueue('t', 'done', { n: 1 });
    await expect(outbox.flush()).resolves.toBe(true);
    expect(platform.accepted).toEqual([{ taskId: 't', status: 'done', result: { n: 1 } }]);
    await outbox.close();
  });

  it('waits for every task, not only the first to be delivered', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const calls: string[] = [];
    let refusalsOfB = 3;
    const client = {
      async updateTaskStatus(taskId: string) {
        calls.push(taskId);
        if (taskId === 'b' && refusalsOfB-- > 0) throw new ConnectionError('busy');
        return {} as never;
      },
    } as unknown as SatellitePlatform;
    const outbox = new Outbox({ client, backoff: { baseDelayMs: 100, maxDelayMs: 100 } });
    await outbox.open();
    await outbox.enqueue('a', 'done', {});
    await outbox.enqueue('b', 'done', {});
    let flushed: boolean | undefined;
    void outbox.flush().then((value) => {
      flushed = value;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.taskIds()).toEqual(['b']);
    expect(flushed).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100);
    expect(flushed).toBeUndefined();
    await vi.advanceTimersByTimeAsync(50);
    expect(flushed).toBe(true);
    expect(calls).toEqual(['a', 'b', 'b', 'b', 'b']);
    await outbox.close();
  });

  it('with an already-aborted signal, resolves false at once while updates wait', async () => {
    const platform = scriptedPlatform(
      Array.from({ length: 100 }, () => new ConnectionError('down')),
    );
    const outbox = new Outbox({ client: platform.client, backoff: { baseDelayMs: 60_000 } });
    await outbox.open();
    await outbox.enqueue('t', 'done', {});
    await expect(outbox.flush({ signal: AbortSignal.abort() })).resolves.toBe(false);
    await outbox.close();
  });

  it("leaves no listener on the caller's signal and no timer behind", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const platform = scriptedPlatform([new ConnectionError('down')]);
    const outbox = new Outbox({
      client: platform.client,
      backoff: { baseDelayMs: 200, maxDelayMs: 200 },
    });
    await outbox.open();
    await outbox.enqueue('t', 'done', {});
    const controller = new AbortController();
    const flushed = outbox.flush({ signal: controller.signal, timeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(100);
    await expect(flushed).resolves.toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);

    // The same when the flush ends on its signal.
    const down = scriptedPlatform(Array.from({ length: 100 }, () => new ConnectionError('down')));
    const stuck = new Outbox({ client: down.client, backoff: { baseDelayMs: 10, maxDelayMs: 10 } });
    await stuck.open();
    await stuck.enqueue('t', 'done', {});
    const other = new AbortController();
    const waiting = stuck.flush({ signal: other.signal, timeoutMs: 60_000 });
    other.abort();
    await expect(waiting).resolves.toBe(false);
    expect(getEventListeners(other.signal, 'abort')).toEqual([]);
    await stuck.close();
    expect(vi.getTimerCount()).toBe(0);
    await outbox.close();
  });
});

describe('Outbox: delivery', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('moves on when the store cannot record a delivery, with a warning: the platform has the update', async () => {
    const store = new MemoryOutboxStore();
    const remove = vi.spyOn(store, 'remove').mockRejectedValueOnce(new Error('disk full'));
    const platform = scriptedPlatform();
    const { lines, logger } = recordingLogger();
    const outbox = new Outbox({ client: platform.client, store, logger });
    await outbox.open();
    await outbox.enqueue('t', 'running');
    await outbox.enqueue('t', 'done', { ok: true });
    await expect(outbox.flush({ timeoutMs: 5000 })).resolves.toBe(true);
    expect(platform.accepted.map((c) => c.status)).toEqual(['running', 'done']);
    expect(remove).toHaveBeenCalledTimes(2);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'outbox: could not record a delivered update',
        fields: { error: 'Error: disk full' },
      },
    ]);
    await outbox.close();
  });

  it('close() aborts a post in flight; the update stays stored and no retry is logged', async () => {
    let seen: AbortSignal | undefined;
    const client = {
      updateTaskStatus(
        _taskId: string,
        _status: string,
        _result: unknown,
        options: { signal: AbortSignal },
      ) {
        seen = options.signal;
        return new Promise((_resolve, reject) => {
          options.signal.addEventListener('abort', () => reject(options.signal.reason));
        });
      },
    } as unknown as SatellitePlatform;
    const store = new MemoryOutboxStore();
    const { lines, logger } = recordingLogger();
    const outbox = new Outbox({ client, store, logger });
    await outbox.open();
    await outbox.enqueue('t', 'done', {});
    await vi.waitFor(() => expect(seen).toBeDefined());
    await outbox.close();
    expect(seen?.aborted).toBe(true);
    await vi.waitFor(() => expect(outbox.pending).toBe(0));
    expect(await store.load()).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('logs the first failed attempt at info and later ones at debug, with the attempt and its wait', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const platform = scriptedPlatform([
      new ConnectionError('reset'),
      new ConnectionError('reset'),
      new ConnectionError('reset'),
    ]);
    const { lines, logger } = recordingLogger();
    const outbox = new Outbox({
      client: platform.client,
      logger,
      backoff: { baseDelayMs: 8, maxDelayMs: 1000 },
    });
    await outbox.open();
    await outbox.enqueue('t', 'done', {});
    await vi.advanceTimersByTimeAsync(100);
    expect(platform.accepted).toHaveLength(1);
    const retry = (level: string, attempt: number, delayMs: number) => ({
      level,
      message: 'outbox: update not accepted yet; retrying',
      fields: { taskId: 't', status: 'done', attempt, delayMs, error: 'reset' },
    });
    // Full jitter at 0.5 of a ceiling doubling from 8 ms.
    expect(lines).toEqual([retry('info', 1, 4), retry('debug', 2, 8), retry('debug', 3, 16)]);
    await outbox.close();
  });

  it('waits 250 ms doubling up to 30 s between attempts by default', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const platform = scriptedPlatform(Array.from({ length: 9 }, () => new ConnectionError('down')));
    const { lines, logger } = recordingLogger();
    const outbox = new Outbox({ client: platform.client, logger });
    await outbox.open();
    await outbox.enqueue('t', 'done', {});
    await vi.advanceTimersByTimeAsync(120_000);
    expect(platform.accepted).toHaveLength(1);
    expect(lines.map((line) => line.fields.delayMs)).toEqual([
      125, 250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000,
    ]);
    await outbox.close();
  });

  it('logs an update it drops at error, naming the task, its status and why', async () => {
    const platform = scriptedPlatform([createApiError('Task not found', { status: 404 })]);
    const { lines, logger } = recordingLogger();
    const outbox = new Outbox({ client: platform.client, logger });
    await outbox.open();
    await outbox.enqueue('gone', 'failed', { reason: 'x' });
    await outbox.flush({ timeoutMs: 5000 });
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'outbox: platform refused a task update; dropping it',
        fields: { taskId: 'gone', status: 'failed', error: 'Task not found' },
      },
    ]);
    await outbox.close();
  });
});
