import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  AbortError,
  ConfigurationError,
  ConnectionError,
  createApiError,
} from '@uplink/core-schemas';
import { sleep } from '@uplink/http';
import { describeUrl, resolveTarget } from './download-target.js';
import { DownloadError } from './errors.js';
import { isTransientError, retryDelayMs } from './retry.js';

/** Bytes gathered before one disk write. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** Progress of a download. */
export interface DownloadProgress {
  /** Bytes received so far (a resumed part included). */
  bytes: number;
  /** Size announced by the server, when it did. */
  totalBytes: number | undefined;
  /** Average rate of this call so far, in bytes per second. */
  bytesPerSecond: number;
}

/** Options for {@link downloadFile}. */
export interface DownloadFileOptions {
  /** Called as bytes arrive (at most every `progressIntervalMs`) and once at the end. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Expected SHA-256 (hex). A mismatch deletes the file and throws `DownloadError('checksum_mismatch')`. */
  sha256?: string | undefined;
  /**
   * After a cut, continue with `Range` + `If-Range` (the server's strong ETag or
   * Last-Modified) instead of starting again.
   * @default true
   */
  resume?: boolean | undefined;
  /**
   * Attempts in total (cuts and transient HTTP errors each use one).
   * @default 5
   */
  maxAttempts?: number | undefined;
  /**
   * Backoff between attempts.
   * @default { baseDelayMs: 200, maxDelayMs: 5000 }
   */
  backoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
  /**
   * Minimum gap between progress calls.
   * @default 250
   */
  progressIntervalMs?: number | undefined;
  /** Extra request headers. */
  headers?: Record<string, string> | undefined;
  /**
   * `fetch` implementation.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined;
  /** Abort the download; the `.part` file is kept for a later resume. */
  signal?: AbortSignal | undefined;
}

/** What {@link downloadFile} wrote. */
export interface DownloadResult {
  /** Absolute path of the finished file. */
  path: string;
  /** File size in bytes. */
  bytes: number;
  /** SHA-256 of the file (hex). */
  sha256: string;
  /** How many times the download continued after a cut. */
  resumes: number;
}

/**
 * Stream a URL to disk without holding it in memory. `dest` may be a file path, or a directory
 * (existing, or ending in `/`) in which case the name comes from `Content-Disposition` or the
 * URL; such server-supplied names are refused when they could escape the directory. Without
 * `dest`, a fresh temporary directory is used. Data goes to `<path>.part` and is renamed when
 * complete and verified.
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
      const resuming = resume && offset > 0 && validator !== undefined;
      if (resuming) {
        headers.range = `bytes=${offset}-`;
        headers['if-range'] = validator as string;
      }
      let response: Response;
      try {
        response = await doFetch(url, { headers, signal: options.signal ?? null });
      } catch (error) {
        if (options.signal?.aborted) throw new AbortError('Download aborted', { url: shownUrl });
        throw new ConnectionError(`Download of ${shownUrl} failed: ${describeError(error)}`, {
          method: 'GET',
          url: shownUrl,
          cause: error,
        });
      }
      if (!response.ok) {
        const body = (await response.text().catch(() => '')).slice(0, 500);
        throw createApiError(
          `Download of ${shownUrl} failed: HTTP ${response.status}${body ? ` ${summarise(body)}` : ''}`,
          { status: response.status, method: 'GET', url: shownUrl, body },
        );
      }
      target ??= await resolveTarget(dest, response, url);
      await mkdir(dirname(target), { recursive: true });
      const part = `${target}.part`;
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
      const append = resuming && start === offset && offset > 0;
      if (!append) offset = 0;
      totalBytes = totalFrom(response, append ? offset : 0) ?? totalBytes;
      const etag = response.headers.get('etag');
      validator =
        etag && !etag.startsWith('W/')
          ? etag
          : (response.headers.get('last-modified') ?? undefined);
      if (append) resumes++;
      const hash = append ? await hashFile(part) : createHash('sha256');
      let written = offset;
      const file = await open(part, append ? 'a' : 'w');
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
        // Bytes received before the cut are still good: keep them for the resume.
        await flush().catch(() => undefined);
        await inFlight.catch(() => undefined);
        offset = await sizeOf(part);
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
        await rm(part, { force: true });
        throw new DownloadError(
          `Checksum mismatch for ${shownUrl}: expected sha256 ${options.sha256.toLowerCase()}, got ${digest}`,
          { code: 'checksum_mismatch', url: shownUrl },
        );
      }
      await rename(part, target);
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

async function hashFile(path: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function summarise(body: string): string {
  if (/^\s*</.test(body)) return '(HTML error page)';
  return body.replace(/\s+/g, ' ').slice(0, 200);
}
