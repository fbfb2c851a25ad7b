import { lstat, open, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileOutboxStore, OUTBOX_FILE_NAME, type OutboxEntry } from './outbox-store.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

let dir: TempDirectory | undefined;
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await dir?.remove();
  dir = undefined;
});

const entry = (id: string, taskId = 't'): OutboxEntry => ({
  id,
  taskId,
  status: 'done',
  result: { id },
  enqueuedAt: 1,
});
const addLine = (e: OutboxEntry) => JSON.stringify({ op: 'add', entry: e });
const logLines = async (path: string) =>
  (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');

function recordingLogger() {
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (message: string, fields?: Record<string, unknown>) =>
      void warnings.push({ message, fields: fields ?? {} }),
    error() {},
  };
  return { logger, warnings };
}

/**
 * Watches every file handle the store uses (fs/promises hands out FileHandle objects, which
 * share one prototype): which ones were flushed to disk, and whether each was closed again.
 */
async function watchFileHandles(directory: string) {
  const probe = await open(directory, 'r');
  const proto = Object.getPrototypeOf(probe) as Record<string, (...args: unknown[]) => unknown>;
  await probe.close();
  const used = new Set<{ fd: number }>();
  const flushes: string[] = [];
  for (const name of ['write', 'writeFile', 'datasync', 'sync'] as const) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    vi.spyOn(proto, name).mockImplementation(function (this: { fd: number }, ...args: unknown[]) {
      used.add(this);
      if (name === 'datasync' || name === 'sync') flushes.push(name);
      return original.apply(this, args);
    });
  }
  return {
    /** `datasync` / `sync` calls so far, in order; clears the list. */
    takeFlushes: () => flushes.splice(0),
    /** Handles written or flushed and not closed since (a closed handle's fd is -1). */
    leftOpen: () => [...used].filter((handle) => handle.fd !== -1).length,
  };
}

describe('FileOutboxStore: fsync', () => {
  it('with fsync, flushes every add, the compacted log and its directory to disk; never an ack', async () => {
    dir = await tempDirectory();
    await writeFile(join(dir.path, OUTBOX_FILE_NAME), `${addLine(entry('old'))}\n`);
    const handles = await watchFileHandles(dir.path);
    const store = new FileOutboxStore(dir.path, { fsync: true });
    expect(await store.load()).toEqual([entry('old')]);
    // Compaction: the new log's data, then the directory entry of the rename.
    expect(handles.takeFlushes()).toEqual(['datasync', 'sync']);
    await store.add(entry('a'));
    await store.add(entry('b'));
    expect(handles.takeFlushes()).toEqual(['datasync', 'datasync']);
    // A lost ack only means one more delivery of an update the platform has: not worth a flush.
    await store.remove('a');
    expect(handles.takeFlushes()).toEqual([]);
    await store.close();
    expect(handles.leftOpen()).toBe(0);
  });

  it('without fsync (the default), flushes nothing and still closes every file it opened', async () => {
    dir = await tempDirectory();
    await writeFile(join(dir.path, OUTBOX_FILE_NAME), `${addLine(entry('old'))}\n`);
    const handles = await watchFileHandles(dir.path);
    for (const options of [undefined, { fsync: false }]) {
      const store = new FileOutboxStore(dir.path, options);
      await store.load();
      await store.add(entry('a'));
      await store.remove('a');
      await store.close();
    }
    expect(handles.takeFlushes()).toEqual([]);
    expect(handles.leftOpen()).toBe(0);
  });
});

describe('FileOutboxStore: loading', () => {
  it('starts empty when there is no log yet, creating the state directory', async () => {
    dir = await tempDirectory();
    const stateDir = join(dir.path, 'state', 'outbox');
    const store = new FileOutboxStore(stateDir);
    expect(store.skippedLines).toBe(0);
    expect(store.skipped).toEqual([]);
    expect(await store.load()).toEqual([]);
    expect(await readdir(stateDir)).toEqual([OUTBOX_FILE_NAME]);
    await store.close();
  });

  it('refuses to start when the log exists but cannot be read, and leaves it in place', async () => {
    dir = await tempDirectory();
    // A link that points at itself: opening it fails (ELOOP), as an unreadable or failing disk
    // would; starting empty would let compaction replace the log and lose what it held.
    const path = join(dir.path, OUTBOX_FILE_NAME);
    await symlink(path, path);
    const store = new FileOutboxStore(dir.path);
    await expect(store.load()).rejects.toMatchObject({ code: 'ELOOP' });
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
  });

  it('a clean log is compacted without a warning or a copy', async () => {
    dir = await tempDirectory();
    const path = join(dir.path, OUTBOX_FILE_NAME);
    await writeFile(path, `${addLine(entry('a'))}\n${JSON.stringify({ op: 'ack', id: 'a' })}\n`);
    const { logger, warnings } = recordingLogger();
    const store = new FileOutboxStore(dir.path, { logger });
    expect(await store.load()).toEqual([]);
    expect(warnings).toEqual([]);
    expect(await readdir(dir.path)).toEqual([OUTBOX_FILE_NAME]);
    expect(await readFile(path, 'utf8')).toBe('');
    await store.close();
  });

  it('keeps the damaged log as outbox.jsonl.skipped-<time>, readable by its owner only', async () => {
    dir = await tempDirectory();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-02T03:04:05.678Z'));
    const path = join(dir.path, OUTBOX_FILE_NAME);
    await writeFile(path, `${addLine(entry('a'))}\nnot json\n`, { mode: 0o644 });
    const { logger, warnings } = recordingLogger();
    const store = new FileOutboxStore(dir.path, { logger });
    await store.load();
    // No `:` in the name: the copy must be a valid file name on Windows too.
    const copy = `${path}.skipped-2026-01-02T03-04-05-678Z`;
    expect(warnings[0]?.fields.copy).toBe(copy);
    expect(await readFile(copy, 'utf8')).toBe(`${addLine(entry('a'))}\nnot json\n`);
    // It holds task results, like the log itself.
    expect((await stat(copy)).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('logs at most 50 skipped line numbers, while the count stays complete', async () => {
    dir = await tempDirectory();
    const lines = [addLine(entry('a')), ...Array.from({ length: 70 }, (_, k) => `garbage ${k}`)];
    await writeFile(join(dir.path, OUTBOX_FILE_NAME), `${lines.join('\n')}\n`);
    const { logger, warnings } = recordingLogger();
    const store = new FileOutboxStore(dir.path, { logger });
    expect(await store.load()).toEqual([entry('a')]);
    expect(store.skippedLines).toBe(70);
    expect(warnings).toHaveLength(1);
    const logged = warnings[0]?.fields as { skipped: number; lines: { line: number }[] };
    expect(logged.skipped).toBe(70);
    expect(logged.lines.map((l) => l.line)).toEqual(Array.from({ length: 50 }, (_, k) => k + 2));
    await store.close();
  });
});

describe('FileOutboxStore: the log on disk', () => {
  it('appends an ack for each delivered entry while the log is short, rewriting nothing', async () => {
    dir = await tempDirectory();
    const path = join(dir.path, OUTBOX_FILE_NAME);
    const store = new FileOutboxStore(dir.path);
    await store.load();
    await store.add(entry('a'));
    await store.add(entry('b', 'u'));
    await store.remove('a');
    expect(await logLines(path)).toEqual([
      addLine(entry('a')),
      addLine(entry('b', 'u')),
      JSON.stringify({ op: 'ack', id: 'a' }),
    ]);
    // Everything delivered, but the log is short: still appended to, not rewritten.
    await store.remove('b');
    expect(await logLines(path)).toHaveLength(4);
    await store.close();
    expect(await new FileOutboxStore(dir.path).load()).toEqual([]);
  });

  it('rewrites a long log only once nothing is waiting', async () => {
    dir = await tempDirectory();
    const path = join(dir.path, OUTBOX_FILE_NAME);
    const store = new FileOutboxStore(dir.path);
    await store.load();
    await store.add(entry('kept'));
    for (let k = 0; k < 600; k++) {
      await store.add(entry(`e${k}`));
      await store.remove(`e${k}`);
    }
    // 1201 lines, but `kept` still waits: no rewrite.
    expect(await logLines(path)).toHaveLength(1201);
    await store.remove('kept');
    expect(await readFile(path, 'utf8')).toBe('');
    await store.add(entry('next'));
    expect(await logLines(path)).toEqual([addLine(entry('next'))]);
    await store.close();
  });

  it('close() waits for a write still in flight', async () => {
    dir = await tempDirectory();
    const store = new FileOutboxStore(dir.path);
    await store.load();
    const added = store.add(entry('a'));
    await store.close();
    expect(await logLines(join(dir.path, OUTBOX_FILE_NAME))).toEqual([addLine(entry('a'))]);
    await added;
  });
});
