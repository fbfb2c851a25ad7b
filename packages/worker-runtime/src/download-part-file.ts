import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, unlink } from 'node:fs/promises';
import { DownloadError } from './errors.js';

/** Refuse to open a symlink where the OS can tell (not on Windows, where the flag is absent). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** The partial file, opened by its descriptor so every later step acts on this very file. */
export interface PartFile {
  handle: FileHandle;
  /** Device and inode, to check the path still names this file before the final rename. */
  identity: { dev: number; ino: number };
}

/**
 * Create `<target>.part` afresh. Whatever is at that path (a stale part, or a symlink someone
 * planted to have the download overwrite its target) is unlinked, never written through; the
 * new file is created exclusively (`O_EXCL`), so a link planted in between makes it fail
 * rather than be followed.
 */
export async function createPartFile(path: string, shownUrl: string): Promise<PartFile> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new DownloadError(
      `Download of ${shownUrl}: ${path} reappeared while it was being created (another process is writing there); refusing to write through it`,
      { code: 'unsafe_partial_file', url: shownUrl },
    );
  }
  return { handle, identity: await identityOf(handle) };
}

/**
 * Reopen the partial file this download wrote, to append after a cut. Undefined when the path
 * no longer names a regular file of exactly `bytes` bytes that is the same file as before
 * (replaced by a symlink, truncated, swapped): the caller then starts again from byte 0.
 */
export async function reopenPartFile(
  path: string,
  previous: PartFile['identity'] | undefined,
  bytes: number,
): Promise<PartFile | undefined> {
  const before = await lstat(path).catch(() => undefined);
  if (!before?.isFile()) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDWR | constants.O_APPEND | NO_FOLLOW);
  } catch {
    return undefined;
  }
  const stat = await handle.stat();
  const identity = { dev: stat.dev, ino: stat.ino };
  const same =
    stat.isFile() &&
    stat.size === bytes &&
    stat.ino === before.ino &&
    (previous === undefined || (previous.dev === identity.dev && previous.ino === identity.ino));
  if (!same) {
    await handle.close();
    return undefined;
  }
  return { handle, identity };
}

/** Whether `path` still names the regular file this download wrote, `bytes` long (checked before asking for a range). */
export async function isSamePartFile(
  path: string,
  identity: PartFile['identity'] | undefined,
  bytes: number,
): Promise<boolean> {
  if (!identity) return false;
  const now = await lstat(path).catch(() => undefined);
  return (
    now?.isFile() === true &&
    now.size === bytes &&
    now.dev === identity.dev &&
    now.ino === identity.ino
  );
}

/** SHA-256 of what the open file holds, read through its descriptor (never by path). */
export async function hashPartFile(part: PartFile, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (let position = 0; position < bytes; ) {
    const { bytesRead } = await part.handle.read(
      buffer,
      0,
      Math.min(buffer.length, bytes - position),
      position,
    );
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash;
}

/** Throw unless `path` still names the file that was written (checked right before the rename). */
export async function assertStillPartFile(
  path: string,
  identity: PartFile['identity'],
  shownUrl: string,
): Promise<void> {
  const now = await lstat(path).catch(() => undefined);
  if (now?.isFile() && now.dev === identity.dev && now.ino === identity.ino) return;
  throw new DownloadError(
    `Download of ${shownUrl}: ${path} was replaced while the download wrote it; refusing to move it into place`,
    { code: 'unsafe_partial_file', url: shownUrl },
  );
}

async function identityOf(handle: FileHandle): Promise<PartFile['identity']> {
  const stat = await handle.stat();
  return { dev: stat.dev, ino: stat.ino };
}
