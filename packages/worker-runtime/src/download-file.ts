import { createHash, type Hash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AbortError, ConfigurationError, ConnectionError } from '@uplink/core-schemas';
import { sleep } from '@uplink/http';
import { downloadResponseError, querySecrets } from './download-error-body.js';
import type { DownloadFileOptions, DownloadResult } from './download-options.js';
import {
  assertStillPartFile,
  createPartFile,
  hashPartFile,
  isSamePartFile,
  type PartFile,
  reopenPartFile,
} from './download-part-file.js';
import { fetchFollowingRedirects } from './download-redirects.js';
import { describeUrl, resolveTarget } from './download-target.js';
import { DownloadError } from './errors.js';
import { isTransientError, retryDelayMs } from './retry.js';

/** Bytes gathered before one disk write. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/**
 * Stream a URL to disk without holding it in memory. `dest` may be a file path, or a directory
 * (existing, or ending in `/`) in which case the name comes from `Content-Disposition` or the
 * URL; such server-supplied names are refused when they could escape the directory. Without
 * `dest`, a fresh temporary directory is used. Data goes to `<path>.part`, created exclusively
 * (a file or symlink already there is replaced, never written through) and appended to after a
 * cut only while it is still the same file; it is renamed when complete and verified.
 *
 * Redirects are followed by hand: credential headers are dropped on a hop to another origin,
 * and a redirect to a non-http(s) URL or a 11th redirect is a `DownloadError`, not retried.
 * Error bodies are read only up to 64 KiB; an S3 or Azure XML error keeps only its `Code` and
 * `Message`. No error shows the URL's query (presigned signatures), in its message, body or
 * any other property.
 */
export async function downloadFile(
  url: string,
  dest?: string,
  options: DownloadFileOptions = {},
): Promise<DownloadResult> {
  assertHttpUrl(url);
  const doFetch = options.fetch ?? globalThis.fetch;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const resume = options.resume ?? true;
  const shownUrl = describeUrl(url);
  const started = performance.now();
  const interval = options.progressIntervalMs ?? 250;
  let target: string | undefined;
  let validator: string | undefined;
  let offset = 0;
  let totalBytes: number | undefined;
  let resumes = 0;
  let lastProgress = 0;
  let receivedThisCall = 0;
  let partIdentity: PartFile['identity'] | undefined;
  // Query values of every URL requested (presigned signatures): scrubbed from errors.
  const secrets = new Set(querySecrets(url));

  const report = (bytes: number, force = false): void => {
    if (!options.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < interval) return;
    lastProgress = now;
    const seconds = Math.max((now - started) / 1000, 1e-3);
    options.onProgress({ bytes, totalBytes, bytesPerSecond: receivedThisCall / seconds });
  };

  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new AbortError('Download aborted', { url: shownUrl });
    try {
      const headers: Record<string, string> = { ...options.headers };
      if (offset > 0 && target && !(await isSamePartFile(`${target}.part`, partIdentity, offset))) {
        // The partial file is not the one this download wrote (replaced by a link, truncated,
        // removed): never append to it; ask for the whole file and write a fresh one.
        offset = 0;
        validator = undefined;
      }
      const resuming = resume && offset > 0 && validator !== undefined;
      if (resuming) {
        headers.range = `bytes=${offset}-`;
        headers['if-range'] = validator as string;
      }
      let response: Response;
      try {
        const followed = await fetchFollowingRedirects(doFetch, url, headers, options.signal);
        response = followed.response;
        for (const hop of followed.urls)
          for (const secret of querySecrets(hop)) secrets.add(secret);
      } catch (error) {
        if (error instanceof DownloadError) throw error;
        if (options.signal?.aborted) throw new AbortError('Download aborted', { url: shownUrl });
        throw new ConnectionError(`Download of ${shownUrl} failed: ${describeError(error)}`, {
          method: 'GET',
          url: shownUrl,
          cause: error,
        });
      }
      if (!response.ok) throw await downloadResponseError(response, shownUrl, [...secrets]);
      target ??= await resolveTarget(dest, response, url);
      await mkdir(dirname(target), { recursive: true });
      const partPath = `${target}.part`;
      const start = response.status === 206 ? rangeStart(response) : 0;
      if (start !== 0 && !(resuming && start === offset)) {
        // A part we did not ask for (or an unreadable Content-Range): writing it would corrupt
        // the file. Forget the partial data and ask for the whole file next time.
        await response.body?.cancel().catch(() => undefined);
        const sent = response.headers.get('content-range');
        const expected = resuming ? offset : 0;
        offset = 0;
        validator = undefined;
        throw new ConnectionError(
          `Download of ${shownUrl} failed: expected bytes from ${expected}, got ${sent ? `Content-Range "${sent.slice(0, 100)}"` : 'a 206 without Content-Range'}; starting again`,
          { method: 'GET', url: shownUrl },
        );
      }
      let part: PartFile | undefined;
      if (resuming && start === offset && offset > 0) {
        part = await reopenPartFile(partPath, partIdentity, offset);
        if (!part) {
          // The partial file is not the one this download wrote (replaced, truncated, linked
          // elsewhere): never append to it. Start again from byte 0 with a fresh file.
          await response.body?.cancel().catch(() => undefined);
          offset = 0;
          validator = undefined;
          throw new ConnectionError(
            `Download of ${shownUrl}: the partial file changed since the cut; starting again`,
            { method: 'GET', url: shownUrl },
          );
        }
      }
      const append = part !== undefined;
      if (!append) offset = 0;
      totalBytes = totalFrom(response, append ? offset : 0) ?? totalBytes;
      const etag = response.headers.get('etag');
      validator =
        etag && !etag.startsWith('W/')
          ? etag
          : (response.headers.get('last-modified') ?? undefined);
      if (append) resumes++;
      part ??= await createPartFile(partPath, shownUrl);
      partIdentity = part.identity;
      const file = part.handle;
      let hash: Hash;
      try {
        hash = append ? await hashPartFile(part, offset) : createHash('sha256');
      } catch (error) {
        await file.close();
        throw error;
      }
      let written = offset;
      // Small network chunks are gathered into ~1 MiB writes (far fewer syscalls), and one
      // write stays in flight while the next batch is read and hashed: memory is bounded by two
      // batches, and disk, network and hashing overlap.
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      let inFlight: Promise<void> = Promise.resolve();
      const flush = async (): Promise<void> => {
        await inFlight;
        if (batchBytes === 0) return;
        const chunks = batch;
        const size = batchBytes;
        batch = [];
        batchBytes = 0;
        inFlight = file.writev(chunks).then(() => {
          written += size;
        });
        for (const chunk of chunks) hash.update(chunk);
      };
      try {
        if (!response.body) throw new ConnectionError('Download response has no body');
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          batch.push(chunk);
          batchBytes += chunk.length;
          receivedThisCall += chunk.length;
          report(written + batchBytes);
          if (batchBytes >= WRITE_BATCH_BYTES) await flush();
        }
        await flush();
        await inFlight;
      } catch (error) {
        // A local write error (disk full, permissions) is not a network cut: no retry.
        if ((error as NodeJS.ErrnoException).syscall) throw error;
        // Bytes received before the cut are still good: keep them for the resume. What is on
        // disk is counted through the descriptor, never by looking the path up again.
        await flush().catch(() => undefined);
        await inFlight.catch(() => undefined);
        offset = written;
        if (options.signal?.aborted) throw new AbortError('Download aborted', { url: shownUrl });
        throw new ConnectionError(
          `Download of ${shownUrl} was cut after ${offset} bytes: ${describeError(error)}`,
          { method: 'GET', url: shownUrl, cause: error },
        );
      } finally {
        await file.close();
      }
      offset = written;
      if (totalBytes !== undefined && written !== totalBytes) {
        throw new ConnectionError(
          `Download of ${shownUrl} ended after ${written} of ${totalBytes} bytes`,
          { method: 'GET', url: shownUrl },
        );
      }
      const digest = hash.digest('hex');
      if (options.sha256 && digest !== options.sha256.toLowerCase()) {
        await rm(partPath, { force: true });
        throw new DownloadError(
          `Checksum mismatch for ${shownUrl}: expected sha256 ${options.sha256.toLowerCase()}, got ${digest}`,
          { code: 'checksum_mismatch', url: shownUrl },
        );
      }
      await assertStillPartFile(partPath, part.identity, shownUrl);
      await rename(partPath, target);
      report(written, true);
      return { path: target, bytes: written, sha256: digest, resumes };
    } catch (error) {
      if (error instanceof AbortError || error instanceof DownloadError) throw error;
      if (!isTransientError(error)) throw error;
      if (attempt >= maxAttempts) {
        if (error instanceof ConnectionError && offset > 0) {
          throw new DownloadError(
            `Download of ${shownUrl} incomplete after ${attempt} attempts (${offset} bytes kept in the .part file)`,
            { code: 'incomplete', url: shownUrl, cause: error },
          );
        }
        throw error;
      }
      await sleep(
        retryDelayMs(error, attempt, {
          baseDelayMs: options.backoff?.baseDelayMs ?? 200,
          maxDelayMs: options.backoff?.maxDelayMs ?? 5000,
        }),
        options.signal,
      );
    }
  }
}

/** A malformed or non-HTTP URL is a caller error: fail at once instead of retrying it. */
function assertHttpUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ConfigurationError([
      {
        setting: 'url',
        message: `expected an absolute http(s) URL${protocol ? ` (got a ${protocol} URL)` : ''}`,
      },
    ]);
  }
}

function rangeStart(response: Response): number | undefined {
  const match = /^bytes\s+(\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function totalFrom(response: Response, offset: number): number | undefined {
  const range = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '');
  if (range?.[1]) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length !== null && /^\d+$/.test(length) ? offset + Number(length) : undefined;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
