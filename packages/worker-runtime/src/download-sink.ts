import type { Hash } from 'node:crypto';
import { write, writeSync } from 'node:fs';
import type { PartFile } from './download-part-file.js';
import type { DownloadResponse } from './download-response.js';

/**
 * A write that blocks the event loop this long (the kernel throttling a disk that is behind,
 * a stalled network file system) moves the rest of the download to the libuv threadpool.
 */
export const SLOW_WRITE_MS = 50;

/**
 * Hashes each piece of the body and writes it to the part file at once, while it is still in
 * the CPU cache of the thread that received it. Profiled on a loaded 2-core VM, handing the
 * writes to the threadpool (another core) cost 2.5-3.8 s of CPU per GiB against 1.3 s this
 * way, nearly all of it in the kernel's copy into the page cache. A page-cache write of one
 * read (64 KiB) takes tens of microseconds; once a write blocks longer than
 * {@link SLOW_WRITE_MS}, the remaining pieces are written asynchronously (reading pauses
 * meanwhile), so a slow disk never stalls the event loop again.
 */
export class PartWriter {
  /** Bytes in the file: its length when the writer was made plus what it wrote since. */
  written: number;
  readonly #fd: number;
  readonly #hash: Hash;
  #threadpool = false;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(fd: number, hash: Hash, written: number) {
    this.#fd = fd;
    this.#hash = hash;
    this.written = written;
  }

  /** Whether writes have moved to the threadpool. */
  get threadpool(): boolean {
    return this.#threadpool;
  }

  /** Hash and write `chunk`; returns a promise only once writes go through the threadpool. */
  readonly write = (chunk: Uint8Array): undefined | Promise<void> => {
    this.#hash.update(chunk);
    if (this.#threadpool) {
      this.#inFlight = this.#writeAsync(chunk);
      return this.#inFlight;
    }
    const started = performance.now();
    for (let offset = 0; offset < chunk.length; ) {
      offset += writeSync(this.#fd, chunk, offset, chunk.length - offset);
    }
    this.written += chunk.length;
    if (performance.now() - started > SLOW_WRITE_MS) this.#threadpool = true;
    return undefined;
  };

  /** Resolves once no write is in flight (call before closing the file). */
  async idle(): Promise<void> {
    await this.#inFlight.catch(() => undefined);
  }

  async #writeAsync(chunk: Uint8Array): Promise<void> {
    for (let offset = 0; offset < chunk.length; ) {
      offset += await new Promise<number>((resolve, reject) => {
        write(this.#fd, chunk, offset, chunk.length - offset, null, (error, bytes) =>
          error ? reject(error) : resolve(bytes),
        );
      });
    }
    this.written += chunk.length;
  }
}

/** The body stopped early (a cut, a timeout, an abort): `written` bytes are on disk and usable. */
export class BodyCut extends Error {
  override name = 'BodyCut';
  constructor(
    readonly written: number,
    cause: unknown,
  ) {
    super('the download was cut', { cause });
  }
}

/**
 * Read the body into the part file (closed afterwards), hashing it on the way. Resolves with
 * the file's length. A local write error (disk full, permissions) is rethrown as is; anything
 * else is a {@link BodyCut}, once no write is in flight any more.
 */
export async function receiveBody(
  response: DownloadResponse,
  part: PartFile,
  hash: Hash,
  offset: number,
  onBytes: (chunkBytes: number, received: number) => void,
): Promise<number> {
  const writer = new PartWriter(part.handle.fd, hash, offset);
  let received = offset;
  try {
    await response.pipeTo((chunk) => {
      const pending = writer.write(chunk);
      received += chunk.length;
      onBytes(chunk.length, received);
      return pending;
    });
    await writer.idle();
    return writer.written;
  } catch (error) {
    await writer.idle();
    if ((error as NodeJS.ErrnoException).syscall) throw error;
    throw new BodyCut(writer.written, error);
  } finally {
    await writer.idle();
    await part.handle.close();
  }
}
