// Which transport downloadFile uses (its own HTTP/1.1 client, or fetch when told to or when
// fetch is set up to route requests), and what it sends.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '@uplink/core-schemas';
import { startServer } from '@uplink/testing/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rangeFileServer } from '../test/range-file-server.js';
import { downloadFile } from './download-file.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

const BYTES = randomBytes(150_000);
const SHA = createHash('sha256').update(BYTES).digest('hex');

let dir: TempDirectory | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await dir?.remove();
  dir = undefined;
});

/** Serves BYTES (see rangeFileServer). */
const fileServer = (cutAfter?: number) => rangeFileServer(BYTES, cutAfter);

describe('downloadFile transports', () => {
  it('by default asks for the bytes as stored, on a connection of their own', async () => {
    dir = await tempDirectory();
    const { server, requests } = await fileServer();
    const result = await downloadFile(`${server.url}/m.bin`, join(dir.path, 'm.bin'), {
      sha256: SHA,
      headers: { 'x-trace': 'kept' },
    });
    expect(result).toMatchObject({ bytes: BYTES.length, sha256: SHA });
    expect(requests[0]).toMatchObject({
      'accept-encoding': 'identity',
      connection: 'close',
      'x-trace': 'kept',
    });
  });

  it('refuses framing headers and header injection before any request', async () => {
    dir = await tempDirectory();
    const { server, requests } = await fileServer();
    for (const headers of [
      { 'Transfer-Encoding': 'chunked' },
      { connection: 'keep-alive' },
      { 'accept-encoding': 'gzip' },
      { 'x-evil': 'a\r\nx-injected: yes' },
      { 'bad name': 'x' },
    ]) {
      const error = await downloadFile(`${server.url}/m.bin`, `${dir.path}/`, { headers }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/^Invalid configuration: headers\./);
    }
    expect(requests).toEqual([]);
  });

  it('goes through a fetch given as an option: resume and redirects work the same', async () => {
    dir = await tempDirectory();
    const { server, requests, cut } = await fileServer(40_000);
    const origin = await startServer((_req, res) => {
      res.writeHead(302, { location: `${server.url}/m.bin` });
      res.end();
    });
    const fetchSpy = vi.fn(globalThis.fetch);
    const result = await downloadFile(`${origin.url}/start`, join(dir.path, 'm.bin'), {
      fetch: fetchSpy,
      headers: { authorization: 'Bearer secret-token' },
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
      progressIntervalMs: 0,
      onProgress: (p) => p.bytes >= 40_000 && cut(),
    });
    expect(result).toMatchObject({ bytes: BYTES.length, sha256: SHA, resumes: 1 });
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
    // Two redirected attempts, four fetches; never our client's identity request.
    expect(fetchSpy).toHaveBeenCalledTimes(4);
    expect(requests[1]?.range).toBe('bytes=40000-');
    for (const headers of requests) expect(headers.authorization).toBeUndefined();
    // fetch's own headers (it asks for identity itself when resuming with Range).
    expect(requests[0]?.['sec-fetch-mode']).toBe('cors');
    expect(requests[0]?.['accept-encoding']).toMatch(/gzip/);
  });

  it('goes through fetch when Node is told to use the proxy settings (NODE_USE_ENV_PROXY)', async () => {
    dir = await tempDirectory();
    vi.stubEnv('NODE_USE_ENV_PROXY', '1');
    const { server, requests } = await fileServer();
    const result = await downloadFile(`${server.url}/m.bin`, join(dir.path, 'm.bin'));
    expect(result.sha256).toBe(SHA);
    expect(requests[0]?.['accept-encoding']).not.toBe('identity');
    expect(requests[0]?.['sec-fetch-mode']).toBe('cors');
  });
});
