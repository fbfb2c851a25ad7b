import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { AbortError, ConfigurationError, NotFoundError } from '@uplink/core-schemas';
import { startServer } from '@uplink/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFile } from './download-file.js';
import type { DownloadProgress } from './download-options.js';
import { assertSafeFileName, safeFilePath } from './download-target.js';
import { DownloadError } from './errors.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

const BYTES = randomBytes(256 * 1024 + 123);
const SHA = createHash('sha256').update(BYTES).digest('hex');
const ETAG = '"v1"';

interface ServeOptions {
  /**
   * Send this many bytes, then hold the response open until `cut()` destroys it (the test
   * calls `cut()` from `onProgress`, so the client has really received those bytes).
   */
  cutAfter?: number;
  cuts?: number;
  etag?: string | null;
  disposition?: string;
  status?: number;
  /** Answer a Range request with a part starting this many bytes later than asked (a broken server). */
  rangeShift?: number;
}

/** A file server with Range + If-Range support that can cut the connection mid-file. */
async function serveFile(options: ServeOptions = {}) {
  const requests: { range?: string | undefined; ifRange?: string | undefined }[] = [];
  const held = new Set<ServerResponse>();
  const cut = (): void => {
    for (const res of held) res.destroy();
    held.clear();
  };
  let cutsLeft = options.cuts ?? (options.cutAfter === undefined ? 0 : 1);
  const server = await startServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ range: req.headers.range, ifRange: req.headers['if-range'] as string });
    if (options.status) {
      res.writeHead(options.status, { 'content-type': 'text/html' });
      res.end('<html><body>Not here</body></html>');
      return;
    }
    const etag = options.etag === undefined ? ETAG : options.etag;
    const headers: Record<string, string> = { 'accept-ranges': 'bytes' };
    if (etag) headers.etag = etag;
    if (options.disposition) headers['content-disposition'] = options.disposition;
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range?.[1] && (!req.headers['if-range'] || req.headers['if-range'] === etag)) {
      start = Number(range[1]) + (options.rangeShift ?? 0);
      headers['content-range'] = `bytes ${start}-${BYTES.length - 1}/${BYTES.length}`;
    }
    headers['content-length'] = String(BYTES.length - start);
    res.writeHead(start > 0 ? 206 : 200, headers);
    const body = BYTES.subarray(start);
    if (cutsLeft > 0 && options.cutAfter !== undefined) {
      cutsLeft--;
      res.write(body.subarray(0, options.cutAfter));
      held.add(res);
      return;
    }
    res.end(body);
  });
  return { server, requests, cut };
}

let dir: TempDirectory;
afterEach(async () => {
  await dir?.remove();
});

describe('downloadFile', () => {
  it('streams a file to disk, verifies sha256 and reports progress', async () => {
    dir = await tempDirectory();
    const { server } = await serveFile();
    const progress: DownloadProgress[] = [];
    const result = await downloadFile(
      `${server.url}/models/model.bin?X-Amz-Signature=abc`,
      `${dir.path}/`,
      {
        sha256: SHA.toUpperCase(),
        onProgress: (p) => progress.push(p),
        progressIntervalMs: 0,
      },
    );
    expect(result).toEqual({
      path: join(dir.path, 'model.bin'),
      bytes: BYTES.length,
      sha256: SHA,
      resumes: 0,
    });
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ bytes: BYTES.length, totalBytes: BYTES.length });
    expect(progress.at(-1)?.bytesPerSecond).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(1);
    expect(await readdir(dir.path)).toEqual(['model.bin']);
  });

  it('resumes with Range and If-Range after the connection drops mid-file', async () => {
    dir = await tempDirectory();
    const { server, requests, cut } = await serveFile({ cutAfter: 100_000 });
    const result = await downloadFile(`${server.url}/a.bin`, join(dir.path, 'out.bin'), {
      sha256: SHA,
      onProgress: (p) => p.bytes >= 100_000 && cut(),
      progressIntervalMs: 0,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(result.resumes).toBe(1);
    expect(result.sha256).toBe(SHA);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(Number(requests[1]?.range?.slice(6, -1))).toBeGreaterThan(0);
    expect(requests[1]?.ifRange).toBe(ETAG);
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
  });

  it('starts again instead of appending a part the server sent from the wrong offset', async () => {
    dir = await tempDirectory();
    const { server, requests, cut } = await serveFile({ cutAfter: 60_000, rangeShift: 1000 });
    const result = await downloadFile(`${server.url}/a.bin`, join(dir.path, 'out.bin'), {
      onProgress: (p) => p.bytes >= 60_000 && cut(),
      progressIntervalMs: 0,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(requests).toHaveLength(3);
    expect(requests[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(requests[2]?.range).toBeUndefined();
    expect(result).toMatchObject({ bytes: BYTES.length, sha256: SHA, resumes: 0 });
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
  });

  it('reports a server that keeps sending the wrong part as a ConnectionError', async () => {
    dir = await tempDirectory();
    const target = join(dir.path, 'out.bin');
    await writeFile(`${target}.part`, 'x');
    const { server, cut } = await serveFile({ cutAfter: 10_000, rangeShift: 5 });
    const error = await downloadFile(`${server.url}/a.bin`, target, {
      onProgress: (p) => p.bytes >= 10_000 && cut(),
      progressIntervalMs: 0,
      maxAttempts: 2,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConnectionError' });
    expect((error as Error).message).toMatch(
      /expected bytes from \d+, got Content-Range "bytes \d+-/,
    );
  });

  it('starts again when the server has no validator to resume against', async () => {
    dir = await tempDirectory();
    const { server, requests, cut } = await serveFile({ cutAfter: 50_000, etag: null });
    const result = await downloadFile(`${server.url}/a.bin`, join(dir.path, 'out.bin'), {
      onProgress: (p) => p.bytes >= 50_000 && cut(),
      progressIntervalMs: 0,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(result.resumes).toBe(0);
    expect(requests[1]?.range).toBeUndefined();
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
  });

  it('gives up with DownloadError(incomplete) after maxAttempts cuts, keeping the part file', async () => {
    dir = await tempDirectory();
    const { server, cut } = await serveFile({ cutAfter: 10_000, cuts: 10 });
    const target = join(dir.path, 'out.bin');
    const error = await downloadFile(`${server.url}/a.bin`, target, {
      onProgress: () => cut(),
      progressIntervalMs: 0,
      maxAttempts: 2,
      backoff: { baseDelayMs: 1, maxDelayMs: 1 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('incomplete');
    expect((await stat(`${target}.part`)).size).toBeGreaterThan(0);
  });

  it('fails on a sha256 mismatch and removes the partial data', async () => {
    dir = await tempDirectory();
    const { server } = await serveFile();
    const error = await downloadFile(`${server.url}/a.bin?sig=secret-signature`, `${dir.path}/`, {
      sha256: '0'.repeat(64),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('checksum_mismatch');
    expect((error as Error).message).toContain(`got ${SHA}`);
    expect((error as Error).message).not.toContain('secret-signature');
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('refuses path traversal in names the server supplies', async () => {
    dir = await tempDirectory();
    const { server } = await serveFile({ disposition: 'attachment; filename="../../etc/passwd"' });
    await expect(downloadFile(`${server.url}/x`, `${dir.path}/`)).rejects.toMatchObject({
      code: 'unsafe_file_name',
    });
    const encoded = await serveFile();
    await expect(
      downloadFile(`${encoded.server.url}/a/..%2F..%2Fescape`, `${dir.path}/`),
    ).rejects.toBeInstanceOf(DownloadError);
    expect(await readdir(dir.path)).toEqual([]);
    for (const bad of [
      '',
      '.',
      '..',
      'a/b',
      'a\\b',
      '/abs',
      'C:evil',
      'x\0y',
      'a\r\nb',
      'é'.repeat(128),
    ]) {
      expect(() => assertSafeFileName(bad)).toThrow(DownloadError);
    }
    expect(assertSafeFileName('model.luml')).toBe('model.luml');
    expect(assertSafeFileName('é'.repeat(127))).toBe('é'.repeat(127));
    // The same check, plus the joined path must be a direct child of the directory.
    expect(safeFilePath(`${dir.path}/sub/`, 'model.luml')).toBe(
      join(dir.path, 'sub', 'model.luml'),
    );
    for (const bad of ['../x', '..', 'a/../../x', '/etc/passwd', '']) {
      expect(() => safeFilePath(dir.path, bad)).toThrow(DownloadError);
    }
  });

  it('uses a Content-Disposition name (RFC 5987 form first) inside an existing directory', async () => {
    dir = await tempDirectory();
    const sub = join(dir.path, 'sub');
    await mkdir(sub);
    const { server } = await serveFile({
      disposition: `attachment; filename="plain.bin"; filename*=UTF-8''mod%C3%A8le.bin`,
    });
    const result = await downloadFile(`${server.url}/x`, sub);
    expect(result.path).toBe(join(sub, 'modèle.bin'));
  });

  it('maps an HTTP error page to a typed ApiError without retrying a 404', async () => {
    dir = await tempDirectory();
    const { server, requests } = await serveFile({ status: 404 });
    const error = await downloadFile(`${server.url}/gone.bin`, `${dir.path}/`).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('HTTP 404: HTML page: Not here');
    expect(requests).toHaveLength(1);
  });

  it('defaults to a fresh temporary directory and honours abort', async () => {
    const { server } = await serveFile();
    const result = await downloadFile(`${server.url}/file.bin`);
    expect(result.path).toMatch(/uplink-download-.*file\.bin$/);
    dir = {
      path: join(result.path, '..'),
      remove: async () => {},
      [Symbol.asyncDispose]: async () => {},
    };
    const { rm } = await import('node:fs/promises');
    await rm(join(result.path, '..'), { recursive: true, force: true });
    const controller = new AbortController();
    controller.abort();
    await expect(
      downloadFile(`${server.url}/file.bin`, undefined, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
  });

  it('refuses a malformed or non-HTTP URL at once with ConfigurationError', async () => {
    for (const bad of ['not a url', 'file:///etc/passwd', '/relative/path']) {
      const error = await downloadFile(bad, '/tmp/never-written').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/url: expected an absolute http\(s\) URL/);
    }
    await expect(downloadFile('file:///x', '/tmp/x')).rejects.toThrow(/got a file: URL/);
  });

  it('turns a refused connection into ConnectionError after retries', async () => {
    dir = await tempDirectory();
    const { server } = await serveFile();
    const url = server.url;
    await server.close();
    await expect(
      downloadFile(`${url}/x.bin`, `${dir.path}/`, {
        maxAttempts: 2,
        backoff: { baseDelayMs: 1, maxDelayMs: 1 },
      }),
    ).rejects.toMatchObject({ name: 'ConnectionError' });
  });

  it('overwrites a stale .part when the server answers 200 to a resume', async () => {
    dir = await tempDirectory();
    const target = join(dir.path, 'out.bin');
    await writeFile(`${target}.part`, 'stale');
    const { server } = await serveFile();
    const result = await downloadFile(`${server.url}/x`, target, { sha256: SHA });
    expect(result.bytes).toBe(BYTES.length);
  });
});

describe('tempDirectory', () => {
  it('creates a private directory and removes it recursively, idempotently', async () => {
    const temp = await tempDirectory({ prefix: 'wr-test-' });
    await writeFile(join(temp.path, 'f'), 'x');
    expect((await stat(temp.path)).mode & 0o777).toBe(0o700);
    await temp.remove();
    await temp.remove();
    await expect(stat(temp.path)).rejects.toThrow();
    {
      await using scoped = await tempDirectory();
      dir = scoped;
      await writeFile(join(scoped.path, 'g'), 'y');
    }
    await expect(stat(dir.path)).rejects.toThrow();
  });
});
