// docs/protocols/luml.md §18.5 (no claim or lease: two workers on one token run tasks twice)
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '@uplink/http';
import { StateDirectoryLockedError } from './errors.js';

/** The lock file's name inside the state directory. */
export const STATE_LOCK_FILE_NAME = 'worker.lock';

/** What the lock file records about its holder. */
interface LockRecord {
  pid: number;
  hostname: string;
  /** When the holder process started, as the OS reports it (tells a reused PID apart). */
  startIdentity?: string | undefined;
  /** Random id of the holder's lock, so a release never removes someone else's lock. */
  instance: string;
  createdAt?: string | undefined;
}

/** A held state-directory lock. */
export interface StateLock {
  /** Path of the lock file. */
  readonly path: string;
  /** Remove the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

const ATTEMPTS = 3;

/**
 * Take `<dir>/worker.lock` for this process, or throw {@link StateDirectoryLockedError} while
 * another live worker holds it. A lock whose process is gone (no such PID on this host, or the
 * PID now belongs to a process that started at another time) is taken over with a warning. A
 * lock from another host cannot be checked and is refused.
 */
export async function acquireStateLock(dir: string, logger: Logger): Promise<StateLock> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, STATE_LOCK_FILE_NAME);
  const mine: LockRecord = {
    pid: process.pid,
    hostname: hostname(),
    startIdentity: await startIdentityOf(process.pid),
    instance: randomUUID(),
    createdAt: new Date().toISOString(),
  };
  const text = `${JSON.stringify(mine)}\n`;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (await createExclusively(path, text)) {
      return { path, release: () => releaseLock(path, mine.instance) };
    }
    const found = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (found === undefined) continue; // released meanwhile: try again
    const holder = parseRecord(found);
    const verdict = holder ? await judge(holder, mine) : 'stale';
    if (verdict === 'alive' && holder) throw lockedError(path, holder);
    logger.warn('state directory lock left by a process that is gone; taking it over', {
      path,
      stalePid: holder?.pid,
      staleHost: holder?.hostname,
    });
    await takeOver(path, found);
  }
  throw new StateDirectoryLockedError(
    `Could not take the state directory lock ${path} after ${ATTEMPTS} attempts: another worker keeps replacing it. Run one worker per satellite token.`,
    { lockPath: path, holderPid: undefined },
  );
}

/** Create the lock with its content in one step (a reader never sees it empty). */
async function createExclusively(path: string, text: string): Promise<boolean> {
  const temp = `${path}.${randomUUID()}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: exclusive create, then write.
    return createWithoutLink(path, text);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function createWithoutLink(path: string, text: string): Promise<boolean> {
  const file = await open(path, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return undefined;
    throw error;
  });
  if (!file) return false;
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
  return true;
}

/**
 * Move the stale lock aside, then check that what was moved is the lock judged stale: if a
 * third worker replaced it meanwhile, put its lock back (the next attempt then refuses).
 */
async function takeOver(path: string, judged: string): Promise<void> {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== judged) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function releaseLock(path: string, instance: string): Promise<void> {
  const found = await readFile(path, 'utf8').catch(() => undefined);
  if (found === undefined || parseRecord(found)?.instance !== instance) return;
  await unlink(path).catch(() => undefined);
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord> | null;
    if (
      value &&
      Number.isInteger(value.pid) &&
      typeof value.hostname === 'string' &&
      typeof value.instance === 'string'
    ) {
      return value as LockRecord;
    }
  } catch {
    // An unreadable lock is treated as stale below.
  }
  return undefined;
}

/** Whether the holder may still be running. */
async function judge(holder: LockRecord, mine: LockRecord): Promise<'alive' | 'stale'> {
  // Another host's PIDs mean nothing here: assume it runs.
  if (holder.hostname !== mine.hostname) return 'alive';
  // Another Worker of this very process.
  if (holder.pid === mine.pid && holder.startIdentity === mine.startIdentity) return 'alive';
  if (!isRunning(holder.pid)) return 'stale';
  const now = await startIdentityOf(holder.pid);
  // The PID is alive but belongs to a process that started at another time: it was reused.
  if (holder.startIdentity && now && holder.startIdentity !== now) return 'stale';
  return 'alive';
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const run = promisify(execFile);

/**
 * When a process started, as an opaque string: on Linux the boot id and the start time in clock
 * ticks from `/proc/<pid>/stat`; elsewhere `ps -o lstart=`. Undefined when neither is available.
 */
async function startIdentityOf(pid: number): Promise<string | undefined> {
  if (process.platform === 'linux') {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces); start time is field 22.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const boot = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '');
      return `${boot.trim()}:${fields[19]}`;
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'win32') return undefined;
  try {
    const { stdout } = await run('ps', ['-o', 'lstart=', '-p', String(pid)], { timeout: 5000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

function lockedError(path: string, holder: LockRecord): StateDirectoryLockedError {
  const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`;
  const since = holder.createdAt ? ` since ${holder.createdAt}` : '';
  return new StateDirectoryLockedError(
    `Another worker holds this state directory: ${path} belongs to PID ${holder.pid}${where}${since}. LUML has no task claims, so two workers on one satellite token run tasks twice: run one worker per satellite token. If that process is not a worker of this satellite, stop it or delete ${path}.`,
    { lockPath: path, holderPid: holder.pid },
  );
}
