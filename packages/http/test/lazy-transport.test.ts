// The transport (ky, and with it Node's fetch implementation, which ky's load-time probe pulls
// in) loads on the first request, not on import: a CLI's `--help` or a schema-only import does
// not pay for it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scriptedServer } from './helpers.js';

const run = promisify(execFile);
const probe = fileURLToPath(new URL('./lazy/import-probe.ts', import.meta.url));
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

async function probeChild(url?: string): Promise<{ loadedAfterImport: boolean; body?: string }> {
  const args = ['--import', 'tsx', probe, entry, ...(url ? [url] : [])];
  const { stdout } = await run(process.execPath, args, { timeout: 20_000 });
  return JSON.parse(stdout);
}

afterEach(() => {
  vi.doUnmock('ky');
  vi.resetModules();
});

describe('lazy transport', () => {
  it('importing @uplink/http does not load ky or Node fetch internals', async () => {
    expect(await probeChild()).toEqual({ loadedAfterImport: false });
  });

  it('the first request loads the transport and succeeds', async () => {
    const server = await scriptedServer({ status: 204 });
    expect(await probeChild(server.url)).toEqual({ loadedAfterImport: false, body: 'ok' });
  });

  it('a transport that fails to load gives a typed ConnectionError, and the next call loads it again', async () => {
    const server = await scriptedServer({ status: 200, body: { ok: true } });
    vi.resetModules();
    vi.doMock('ky', () => {
      throw new Error('module not found: ky');
    });
    const failing = await import('../src/index.js');
    // The module graph was reset: the error classes are the fresh graph's.
    const { ConnectionError } = await import('@uplink/core-schemas');
    const client = failing.createHttpClient({ baseUrl: server.url, retry: false });
    const error = await client.get('/', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^Could not load ky, the HTTP transport/);
    expect(server.seen).toHaveLength(0);
    vi.doUnmock('ky');
    expect(await client.get('/', null)).toBeUndefined();
    expect(server.seen).toHaveLength(1);
  });
});
