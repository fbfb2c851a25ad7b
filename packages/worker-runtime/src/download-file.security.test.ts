import { randomBytes } from 'node:crypto';
import { renameSync, symlinkSync } from 'node:fs';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { InternalServerError, PermissionDeniedError } from '@uplink/core-schemas';
import { startServer } from '@uplink/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { rangeFileServer } from '../test/range-file-server.js';
import { downloadFile } from './download-file.js';
import { DownloadError } from './errors.js';
import { type TempDirectory, tempDirectory } from './temp-directory.js';

const BYTES = randomBytes(200_000);
const fast = { baseDelayMs: 1, maxDelayMs: 1 };

let dir: TempDirectory;
afterEach(async () => {
  await dir?.remove();
});

/** Everything an error exposes: message, stack, own and hidden properties, the cause chain. */
const everything = (error: unknown): string =>
  `${inspect(error, { showHidden: true, depth: null })}\n${JSON.stringify(error)}`;

/** Serves BYTES (see rangeFileServer). */
const fileServer = (cutAfter?: number) => rangeFileServer(BYTES, cutAfter);

describe('downloadFile: hostile error bodies', () => {
  const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
  const SIGNATURE = '3f1c9a0b7d2e4f6a8c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a';
  const SESSION = 'FwoGZXIvYXdzEJrSECRETSESSIONTOKEN0123456789';
  const s3Error = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>${ACCESS_KEY}</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256
20260817T150211Z
20260817/us-east-1/s3/aws4_request
9e0e7d3c</StringToSign><SignatureProvided>${SIGNATURE}</SignatureProvided><CanonicalRequest>GET
/luml-artifacts/model.luml
X-Amz-Algorithm=AWS4-HMAC-SHA256&amp;X-Amz-Credential=${ACCESS_KEY}%2F20260817%2Fus-east-1%2Fs3%2Faws4_request&amp;X-Amz-Signature=${SIGNATURE}</CanonicalRequest><RequestId>4442587FB7D0A2F9</RequestId><HostId>vJ5TqGvX0y3n</HostId></Error>`;

  it('keeps only the S3 error Code and Message, calls the body XML, and never shows keys, signatures or the URL query', async () => {
    dir = await tempDirectory();
    const server = await startServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': '4442587F' });
      res.end(s3Error);
    });
    const url = `${server.url}/luml-artifacts/model.luml?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${ACCESS_KEY}%2F20260817%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=${SESSION}&X-Amz-Signature=${SIGNATURE}`;
    const error = await downloadFile(url, `${dir.path}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    const apiError = error as PermissionDeniedError;
    expect(apiError.message).toBe(
      `Download of ${server.url}/luml-artifacts/model.luml failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method. (XML error body)`,
    );
    expect(apiError.code).toBe('SignatureDoesNotMatch');
    expect(apiError.requestId).toBe('4442587F');
    expect(apiError.body).toEqual({
      format: 'xml',
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    });
    expect(apiError.url).toBe(`${server.url}/luml-artifacts/model.luml`);
    const shown = everything(error);
    for (const secret of [ACCESS_KEY, SIGNATURE, SESSION, 'X-Amz-Credential', 'StringToSign']) {
      expect(shown).not.toContain(secret);
    }
    expect(shown).not.toContain('HTML');
  });

  it('summarises an Azure XML error the same way and drops the SAS signature', async () => {
    dir = await tempDirectory();
    const sig = 'kJ8%2BSECRETsasSIGNATURE%3D';
    const server = await startServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(
        `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.
RequestId:0f3a
Time:2026-08-17T15:02:11Z</Message><AuthenticationErrorDetail>Signature did not match. String to sign used was r
/blob/acct/models/model.luml sig=${sig}</AuthenticationErrorDetail></Error>`,
      );
    });
    const error = await downloadFile(
      `${server.url}/models/model.luml?sv=2023-11-03&se=2026-08-18&sp=r&sig=${sig}`,
      `${dir.path}/`,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).body).toEqual({
      format: 'xml',
      code: 'AuthenticationFailed',
      message:
        'Server failed to authenticate the request. RequestId:0f3a Time:2026-08-17T15:02:11Z',
    });
    const shown = everything(error);
    expect(shown).not.toContain('SECRETsas');
    expect(shown).not.toContain('String to sign');
  });

  it('reads a bounded prefix of an error body and cancels the rest (a 64 MiB body is not downloaded)', async () => {
    dir = await tempDirectory();
    const total = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    let closed!: () => void;
    const done = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const server = await startServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': String(total) });
      const pump = (): void => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', closed);
      pump();
    });
    const error = await downloadFile(`${server.url}/big.bin`, `${dir.path}/`, {
      maxAttempts: 1,
    }).catch((e: unknown) => e);
    await done;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(String((error as InternalServerError).body).length).toBeLessThanOrEqual(500);
    // 64 KiB are read; what else left the server sat in socket buffers when the rest was cancelled.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('downloadFile: the partial file', () => {
  it('does not follow a .part symlink planted before the download', async () => {
    dir = await tempDirectory();
    const victim = join(dir.path, 'victim.txt');
    await writeFile(victim, 'precious');
    const target = join(dir.path, 'out.bin');
    symlinkSync(victim, `${target}.part`);
    const { server } = await fileServer();
    const result = await downloadFile(`${server.url}/a.bin`, target);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await lstat(target)).isFile()).toBe(true);
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
    expect((await readdir(dir.path)).sort()).toEqual(['out.bin', 'victim.txt']);
  });

  it('does not append to a .part swapped for a symlink between attempts, and still resumes a genuine one', async () => {
    dir = await tempDirectory();
    const victim = join(dir.path, 'victim.txt');
    await writeFile(victim, 'precious');
    const target = join(dir.path, 'out.bin');
    const part = `${target}.part`;
    const swapped = await fileServer(50_000);
    let planted = false;
    const result = await downloadFile(`${swapped.server.url}/a.bin`, target, {
      progressIntervalMs: 0,
      backoff: fast,
      onProgress: (p) => {
        if (planted || p.bytes < 50_000) return;
        planted = true;
        swapped.cut();
        // An attacker replaces the partial file with a link to a file they want overwritten.
        renameSync(part, `${part}.moved`);
        symlinkSync(victim, part);
      },
    });
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
    expect(result.resumes).toBe(0);
    expect(swapped.requests[1]?.range).toBeUndefined();

    // A genuine cut still resumes with Range from the bytes already on disk.
    const genuine = await fileServer(50_000);
    const resumed = await downloadFile(`${genuine.server.url}/b.bin`, join(dir.path, 'b.bin'), {
      progressIntervalMs: 0,
      backoff: fast,
      onProgress: (p) => p.bytes >= 50_000 && genuine.cut(),
    });
    expect(resumed.resumes).toBe(1);
    expect(genuine.requests[1]?.range).toMatch(/^bytes=\d+-$/);
    expect((await readFile(resumed.path)).equals(BYTES)).toBe(true);
  });
});

describe('downloadFile: redirects', () => {
  const credentials = {
    authorization: 'Bearer t0ken-value',
    'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
    'x-api-key': 'xak-secret-value',
    'api-key': 'azure-key-value',
    cookie: 'session=cookie-value',
  };

  it('drops every credential header on a cross-origin hop and keeps them on a same-origin one', async () => {
    dir = await tempDirectory();
    const other = await fileServer();
    const origin = await startServer((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: '/same' });
        return void res.end();
      }
      if (req.url === '/same') {
        expect(req.headers['x-api-key']).toBe('xak-secret-value');
        res.writeHead(307, { location: `${other.server.url}/model.bin` });
        return void res.end();
      }
      res.writeHead(404);
      res.end();
    });
    const result = await downloadFile(`${origin.url}/start`, join(dir.path, 'm.bin'), {
      headers: { ...credentials, 'x-trace': 'kept' },
    });
    expect((await readFile(result.path)).equals(BYTES)).toBe(true);
    const seen = other.requests[0] ?? {};
    for (const name of Object.keys(credentials)) expect(seen[name]).toBeUndefined();
    expect(seen['x-trace']).toBe('kept');
  });

  it('refuses a redirect to a non-http(s) URL once, without retrying', async () => {
    dir = await tempDirectory();
    let requests = 0;
    const server = await startServer((_req, res) => {
      requests++;
      res.writeHead(302, { location: 'file:///etc/passwd' });
      res.end();
    });
    const error = await downloadFile(`${server.url}/x?X-Amz-Signature=sig-value`, `${dir.path}/`, {
      backoff: fast,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ code: 'unsafe_redirect' });
    expect((error as Error).message).toBe(
      `Refusing the redirect from ${server.url}/x to a file: URL: only http(s) redirects are followed`,
    );
    expect(requests).toBe(1);
    expect(everything(error)).not.toContain('sig-value');
  });

  it('stops after 10 redirects with a clear error', async () => {
    dir = await tempDirectory();
    let requests = 0;
    const server = await startServer((req, res) => {
      requests++;
      res.writeHead(302, { location: `${req.url}x` });
      res.end();
    });
    const error = await downloadFile(`${server.url}/loop`, `${dir.path}/`, {
      backoff: fast,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DownloadError', code: 'too_many_redirects' });
    expect(requests).toBe(11);
  });
});
