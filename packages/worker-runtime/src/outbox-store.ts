import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TaskStatus, TaskStatusSchema } from '@uplink/core-schemas/luml';
import * as v from 'valibot';

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

type LogLine = { op: 'add'; entry: OutboxEntry } | { op: 'ack'; id: string };

/** A log line as read back: anything else (hand edits, another version, a bad disk) is skipped. */
const LogLineSchema = v.variant('op', [
  v.object({
    op: v.literal('add'),
    entry: v.object({
      id: v.pipe(v.string(), v.nonEmpty()),
      taskId: v.pipe(v.string(), v.nonEmpty()),
      status: TaskStatusSchema,
      result: v.nullable(v.record(v.string(), v.unknown())),
      enqueuedAt: v.number(),
    }),
  }),
  v.object({ op: v.literal('ack'), id: v.string() }),
]);

/**
 * Keeps entries in `<stateDir>/outbox.jsonl`, an append-only log of `add` and `ack` lines that
 * is compacted on load, so task results survive a crash or restart. Each write is appended
 * before `add()` resolves; a torn last line (crash mid-write) is ignored on load.
 */
export class FileOutboxStore implements OutboxStore {
  /** Path of the log file (`<stateDir>/outbox.jsonl`). */
  readonly path: string;
  readonly #dir: string;
  #handle: FileHandle | undefined;
  #writes: Promise<void> = Promise.resolve();
  #live = new Map<string, OutboxEntry>();
  #lines = 0;
  #skipped = 0;

  /** @param stateDir directory for the log; created on `load()` when missing. */
  constructor(stateDir: string) {
    this.#dir = stateDir;
    this.path = join(stateDir, OUTBOX_FILE_NAME);
  }

  /** Lines the last `load()` skipped because they were not outbox entries (a torn last line excluded). */
  get skippedLines(): number {
    return this.#skipped;
  }

  /** Replay the log (ignoring a torn last line), compact it, and return the live entries. */
  async load(): Promise<OutboxEntry[]> {
    await mkdir(this.#dir, { recursive: true });
    const text = await readFile(this.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    this.#live = new Map();
    this.#skipped = 0;
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        continue; // torn write at a crash
      }
      const checked = v.safeParse(LogLineSchema, parsed);
      if (!checked.success) {
        this.#skipped++;
        continue;
      }
      const line: LogLine = checked.output;
      if (line.op === 'add') this.#live.set(line.entry.id, line.entry);
      else if (line.op === 'ack') this.#live.delete(line.id);
    }
    await this.#compact();
    return [...this.#live.values()];
  }

  /** Append an `add` line; resolves once written. */
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

  #append(line: LogLine): Promise<void> {
    return this.#enqueueWrite(async () => {
      this.#handle ??= await open(this.path, 'a');
      await this.#handle.write(`${JSON.stringify(line)}\n`);
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
    await writeFile(temp, body);
    await rename(temp, this.path);
    this.#lines = this.#live.size;
  }
}
