import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskStatus } from '@uplink/core-schemas/luml';
import { type Logger, silentLogger } from '@uplink/http';
import { type OutboxLogLine, replayOutboxLog, type SkippedOutboxLine } from './outbox-log.js';

/** One status update waiting to be accepted by the platform. */
export interface OutboxEntry {
  /** Entry id (`crypto.randomUUID()`). */
  id: string;
  /** The task it updates. */
  taskId: string;
  /** The status to post. */
  status: TaskStatus;
  /** The result to post, or null. */
  result: Record<string, unknown> | null;
  /** When it was enqueued (epoch ms). */
  enqueuedAt: number;
}

/** Where the outbox keeps its entries. */
export interface OutboxStore {
  /** Entries left from before (in enqueue order). */
  load(): Promise<OutboxEntry[]>;
  /** Persist a new entry; resolves once it is durable. */
  add(entry: OutboxEntry): Promise<void>;
  /** Forget a delivered (or dropped) entry. */
  remove(id: string): Promise<void>;
  /** Release files. */
  close(): Promise<void>;
}

/** Keeps entries in memory: lost when the process dies. The default. */
export class MemoryOutboxStore implements OutboxStore {
  readonly #entries = new Map<string, OutboxEntry>();
  /** Entries not yet removed. */
  async load(): Promise<OutboxEntry[]> {
    return [...this.#entries.values()];
  }
  /** Keep an entry. */
  async add(entry: OutboxEntry): Promise<void> {
    this.#entries.set(entry.id, entry);
  }
  /** Forget an entry. */
  async remove(id: string): Promise<void> {
    this.#entries.delete(id);
  }
  /** Nothing to release. */
  async close(): Promise<void> {}
}

/** The outbox log's file name inside the state directory. */
export const OUTBOX_FILE_NAME = 'outbox.jsonl';

/** Options for {@link FileOutboxStore}. */
export interface FileOutboxStoreOptions {
  /**
   * Where skipped log lines are reported (by line number and reason, never their content).
   * @default silentLogger
   */
  logger?: Logger | undefined;
  /**
   * `fdatasync` after every `add` and around compaction, so an accepted `add()` survives a
   * power loss or kernel crash, not only a crash of the process. Costs one disk flush per status
   * update (see the package README for the measured cost).
   * @default false
   */
  fsync?: boolean | undefined;
}

/** At most this many skipped line numbers are logged (the count is always complete). */
const MAX_LOGGED_LINES = 50;

/**
 * Keeps entries in `<stateDir>/outbox.jsonl`, an append-only log of `add` and `ack` lines that
 * is compacted on load, so task results survive a crash or restart of the process. Each line
 * is written before `add()` resolves, but not flushed to the disk unless `fsync: true`: without
 * it, a power loss or kernel crash may lose the last updates the operating system had not
 * written yet. Lines that cannot be replayed are counted and logged by line number (never their
 * content), and the file as it was is kept beside the log (`outbox.jsonl.skipped-<time>`)
 * before compaction rewrites it.
 */
export class FileOutboxStore implements OutboxStore {
  /** Path of the log file (`<stateDir>/outbox.jsonl`). */
  readonly path: string;
  /** The state directory holding the log. */
  readonly directory: string;
  readonly #logger: Logger;
  readonly #fsync: boolean;
  #handle: FileHandle | undefined;
  #writes: Promise<void> = Promise.resolve();
  #live = new Map<string, OutboxEntry>();
  #lines = 0;
  #skipped: SkippedOutboxLine[] = [];

  /** @param stateDir directory for the log; created on `load()` when missing. */
  constructor(stateDir: string, options: FileOutboxStoreOptions = {}) {
    this.directory = stateDir;
    this.path = join(stateDir, OUTBOX_FILE_NAME);
    this.#logger = options.logger ?? silentLogger;
    this.#fsync = options.fsync ?? false;
  }

  /** How many lines the last `load()` skipped (damaged, foreign, or torn by a crash). */
  get skippedLines(): number {
    return this.#skipped.length;
  }

  /** The lines the last `load()` skipped: line numbers and reasons. */
  get skipped(): readonly SkippedOutboxLine[] {
    return this.#skipped;
  }

  /**
   * Replay the log, compact it, and return the live entries. Skipped lines are logged once,
   * with a copy of the file as it was.
   */
  async load(): Promise<OutboxEntry[]> {
    await mkdir(this.directory, { recursive: true });
    const text = await readFile(this.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const { live, skipped } = replayOutboxLog(text);
    this.#live = live;
    this.#skipped = skipped;
    if (skipped.length > 0) {
      // Compaction drops what could not be replayed: keep the evidence first.
      const copy = `${this.path}.skipped-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await writeFile(copy, text, { mode: 0o600 });
      this.#logger.warn('outbox: skipped lines of the state file that could not be replayed', {
        path: this.path,
        skipped: skipped.length,
        lines: skipped.slice(0, MAX_LOGGED_LINES),
        copy,
      });
    }
    await this.#compact();
    return [...this.#live.values()];
  }

  /** Append an `add` line; resolves once written (and flushed to disk with `fsync: true`). */
  async add(entry: OutboxEntry): Promise<void> {
    this.#live.set(entry.id, entry);
    await this.#append({ op: 'add', entry });
  }

  /** Append an `ack` line (compacting when the log only holds delivered entries). */
  async remove(id: string): Promise<void> {
    if (!this.#live.delete(id)) return;
    await this.#append({ op: 'ack', id });
    if (this.#live.size === 0 && this.#lines > 1000)
      await this.#enqueueWrite(() => this.#compact());
  }

  /** Wait for pending writes and close the file. */
  async close(): Promise<void> {
    await this.#writes;
    await this.#handle?.close();
    this.#handle = undefined;
  }

  #append(line: OutboxLogLine): Promise<void> {
    return this.#enqueueWrite(async () => {
      this.#handle ??= await open(this.path, 'a', 0o600);
      await this.#handle.write(`${JSON.stringify(line)}\n`);
      // Only an `add` must survive a power loss; a lost `ack` means one more delivery of an
      // update the platform already has, which status reports tolerate (they are at least once).
      if (this.#fsync && line.op === 'add') await this.#handle.datasync();
      this.#lines++;
    });
  }

  #enqueueWrite(write: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(write);
    this.#writes = next.catch(() => undefined);
    return next;
  }

  async #compact(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    const body = [...this.#live.values()]
      .map((entry) => `${JSON.stringify({ op: 'add', entry })}\n`)
      .join('');
    const temp = `${this.path}.tmp`;
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(body);
      if (this.#fsync) await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    if (this.#fsync) await syncDirectory(this.directory);
    this.#lines = this.#live.size;
  }
}

/** Flush a directory entry (the rename) to disk; not supported on every platform. */
async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r').catch(() => undefined);
  if (!dir) return;
  try {
    await dir.sync();
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    await dir.close();
  }
}
