// Windows cannot open a directory to flush it: `fsync: true` must still work there, flushing
// the files it can. Simulated by an `open` that refuses directories, as Windows does.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileOutboxStore, OUTBOX_FILE_NAME } from './outbox-store.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const found = await actual.stat(args[0]).catch(() => undefined);
      if (found?.isDirectory()) {
        throw Object.assign(new Error('EISDIR: illegal operation on a directory, open'), {
          code: 'EISDIR',
        });
      }
      return actual.open(...args);
    },
  };
});

let dir: TempDirectory | undefined;
afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

describe('FileOutboxStore with fsync where a directory cannot be opened', () => {
  it('compacts, adds and reloads as usual', async () => {
    dir = await tempDirectory();
    const entry = { id: 'e1', taskId: 't', status: 'done', result: null, enqueuedAt: 1 } as const;
    const store = new FileOutboxStore(dir.path, { fsync: true });
    expect(await store.load()).toEqual([]);
    await store.add(entry);
    await store.close();
    const again = new FileOutboxStore(dir.path, { fsync: true });
    expect(await again.load()).toEqual([entry]);
    await again.close();
    expect(await readFile(join(dir.path, OUTBOX_FILE_NAME), 'utf8')).toBe(
      `${JSON.stringify({ op: 'add', entry })}\n`,
    );
  });
});
