import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options for {@link tempDirectory}. */
export interface TempDirectoryOptions {
  /**
   * Name prefix of the directory.
   * @default 'uplink-'
   */
  prefix?: string | undefined;
  /**
   * Parent directory.
   * @default os.tmpdir()
   */
  parent?: string | undefined;
}

/** A temporary directory that removes itself (recursively) on `remove()` or `await using`. */
export interface TempDirectory extends AsyncDisposable {
  /** Absolute path of the directory. */
  readonly path: string;
  /** Delete the directory and everything in it. Idempotent; never throws. */
  remove(): Promise<void>;
}

/**
 * Create a fresh, private (mode 0700) temporary directory.
 *
 * @example
 * await using dir = await tempDirectory();
 * await writeFile(join(dir.path, 'model.bin'), bytes);
 */
export async function tempDirectory(options: TempDirectoryOptions = {}): Promise<TempDirectory> {
  const path = await mkdtemp(join(options.parent ?? tmpdir(), options.prefix ?? 'uplink-'));
  let removed: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removed ??= rm(path, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    return removed;
  };
  return { path, remove, [Symbol.asyncDispose]: remove };
}
