import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPartFile } from './download-part-file.js';
import type { BodySink, DownloadResponse } from './download-response.js';
import { BodyCut, PartWriter, receiveBody, SLOW_WRITE_MS } from './download-sink.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

let dir: TempDirectory | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await dir?.remove();
  dir = undefined;
});

/** A response whose body is `pieces`, then `end` (a cut when it is an error). */
function scriptedResponse(pieces: Uint8Array[], end?: Error): DownloadResponse {
  return {
    status: 200,
    ok: true,
    headers: new Headers(),
    async pipeTo(sink: BodySink) {
      for (const piece of pieces) {
        const pending = sink(piece);
        if (pending) await pending;
      }
      if (end) throw end;
    },
    cancel: async () => undefined,
    toResponse: () => new Response(null),
  };
}

describe('PartWriter', () => {
  it('writes synchronously until a write blocks longer than SLOW_WRITE_MS, then through the threadpool', async () => {
    dir = await tempDirectory();
    const part = await createPartFile(join(dir.path, 'f.part'), 'http://x/f');
    const hash = createHash('sha256');
    const writer = new PartWriter(part.handle.fd, hash, 0);
    // Each write reads the clock twice: the second write looks slow.
    const clock = [0, 1, 10, 11 + SLOW_WRITE_MS];
    vi.spyOn(performance, 'now').mockImplementation(() => clock.shift() ?? 0);
    expect(writer.write(Buffer.from('ab'))).toBeUndefined();
    expect(writer.threadpool).toBe(false);
    expect(writer.write(Buffer.from('cd'))).toBeUndefined();
    expect(writer.threadpool).toBe(true);
    const pending = writer.write(Buffer.from('ef'));
    expect(pending).toBeInstanceOf(Promise);
    expect(writer.written).toBe(4);
    await pending;
    expect(writer.written).toBe(6);
    await writer.idle();
    await part.handle.close();
    expect(await readFile(join(dir.path, 'f.part'), 'utf8')).toBe('abcdef');
    expect(hash.digest('hex')).toBe(createHash('sha256').update('abcdef').digest('hex'));
  });
});

describe('receiveBody', () => {
  it('writes and hashes every piece, reports progress, and closes the file', async () => {
    dir = await tempDirectory();
    const part = await createPartFile(join(dir.path, 'g.part'), 'http://x/g');
    const progress: [number, number][] = [];
    const hash = createHash('sha256');
    const written = await receiveBody(
      scriptedResponse([Buffer.from('hello '), Buffer.from('world')]),
      part,
      hash,
      0,
      (bytes, received) => progress.push([bytes, received]),
    );
    expect(written).toBe(11);
    expect(progress).toEqual([
      [6, 6],
      [5, 11],
    ]);
    expect(await readFile(join(dir.path, 'g.part'), 'utf8')).toBe('hello world');
    await expect(part.handle.stat()).rejects.toThrow(/closed/);
  });

  it('turns a cut into BodyCut with the bytes on disk, and rethrows a local write error as is', async () => {
    dir = await tempDirectory();
    const part = await createPartFile(join(dir.path, 'h.part'), 'http://x/h');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const cut = await receiveBody(
      scriptedResponse([Buffer.from('abc')], new Error('closed', { cause: reset })),
      part,
      createHash('sha256'),
      0,
      () => undefined,
    ).catch((error: unknown) => error);
    expect(cut).toBeInstanceOf(BodyCut);
    expect((cut as BodyCut).written).toBe(3);
    expect((cut as BodyCut).cause).toMatchObject({ message: 'closed' });

    // No such descriptor: the write fails with EBADF, a local error and not a cut.
    const local = await receiveBody(
      scriptedResponse([Buffer.from('abc')]),
      {
        identity: { dev: 0, ino: 0 },
        handle: { fd: 2 ** 31 - 1, close: async () => undefined } as never,
      },
      createHash('sha256'),
      0,
      () => undefined,
    ).catch((error: unknown) => error);
    expect(local).not.toBeInstanceOf(BodyCut);
    expect(local).toMatchObject({ syscall: 'write' });
  });
});
