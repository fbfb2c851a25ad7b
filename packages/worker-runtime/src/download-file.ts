import { createHash, type Hash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AbortError, ConfigurationError, ConnectionError } from '@uplink/core-schemas';
import { sleep } from '@uplink/http';
import { downloadResponseError, querySecrets } from './download-error-body.js';
import { httpGet } from './download-http.js';
import type { DownloadFileOptions, DownloadResult } from './download-options.js';
import {
  assertStillPartFile,
  createPartFile,
  hashPartFile,
  isSamePartFile,
  type PartFile,
  reopenPartFile,
} from './download-part-file.js';
import { getFollowingRedirects } from './download-redirects.js';
import { checkRequestHeaders } from './download-request.js';
import { type DownloadGet, type DownloadResponse, fetchGet } from './download-response.js';
import { BodyCut, receiveBody } from './download-sink.js';
import { describeUrl, resolveTarget } from './download-target.js';
import { DownloadError } from './errors.js';
import { isTransientError, retryDelayMs } from './retry.js';

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
 *
 * The body is read, hashed and written as one pipeline: by default through Node's sockets into
 * one reused 64 KiB buffer (HTTP/1.1, `Accept-Encoding: identity`, so the file is saved byte
 * for byte), each piece hashed and written to the page cache as it arrives, so memory stays
 * flat whatever the size. `fetch` is used instead when given as an option, or when Node's
 * `fetch` is set up to go through a proxy (`NODE_USE_ENV_PROXY`) or a custom global
 * dispatcher.
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
  checkRequestHeaders(options.headers);
  const get = downloadGet(options.fetch);
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
      let response: DownloadResponse;
      try {
        const followed = await getFollowingRedirects(get, url, headers, options.signal);
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
      // Until the body is being read, every way out of this attempt releases the connection.
      let reading = false;
      let part: PartFile | undefined;
      let hash: Hash;
      let written: number;
      try {
        if (!response.ok) {
          throw await downloadResponseError(response.toResponse(), shownUrl, [...secrets]);
        }
        target ??= await resolveTarget(dest, response, url);
        await mkdir(dirname(target), { recursive: true });
        const start = response.status === 206 ? rangeStart(response) : 0;
        if (start !== 0 && !(resuming && start === offset)) {
          // A part we did not ask for (or an unreadable Content-Range): writing it would corrupt
          // the file. Forget the partial data and ask for the whole file next time.
          const sent = response.headers.get('content-range');
          const expected = resuming ? offset : 0;
          offset = 0;
          validator = undefined;
          throw new ConnectionError(
            `Download of ${shownUrl} failed: expected bytes from ${expected}, got ${sent ? `Content-Range "${sent.slice(0, 100)}"` : 'a 206 without Content-Range'}; starting again`,
            { method: 'GET', url: shownUrl },
          );
        }
        if (resuming && start === offset && offset > 0) {
          part = await reopenPartFile(`${target}.part`, partIdentity, offset);
          if (!part) {
            // The partial file is not the one this download wrote (replaced, truncated, linked
            // elsewhere): never append to it. Start again from byte 0 with a fresh file.
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
        part ??= await createPartFile(`${target}.part`, shownUrl);
        partIdentity = part.identity;
        try {
          hash = append ? await hashPartFile(part, offset) : createHash('sha256');
        } catch (error) {
          await part.handle.close();
          throw error;
        }
        reading = true;
        written = await receiveBody(response, part, hash, offset, (bytes, received) => {
          receivedThisCall += bytes;
          report(received);
        });
      } catch (error) {
        if (error instanceof BodyCut) {
          // Bytes received before the cut are on disk: keep them for the resume (counted
          // through the descriptor, never by looking the path up again).
          offset = error.written;
          if (options.signal?.aborted) throw new AbortError('Download aborted', { url: shownUrl });
          throw new ConnectionError(
            `Download of ${shownUrl} was cut after ${offset} bytes: ${describeError(error.cause)}`,
            { method: 'GET', url: shownUrl, cause: error.cause },
          );
        }
        throw error;
      } finally {
        if (!reading) await response.cancel();
      }
      offset = written;
      if (totalBytes !== undefined && written !== totalBytes) {
        throw new ConnectionError(
          `Download of ${shownUrl} ended after ${written} of ${totalBytes} bytes`,
          { method: 'GET', url: shownUrl },
        );
      }
      const partPath = `${target}.part`;
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

/** The platform's download transport: our HTTP/1.1 client unless fetch has to be used. */
function downloadGet(customFetch: typeof fetch | undefined): DownloadGet {
  if (customFetch) return fetchGet(customFetch);
  return fetchIsConfigured()
    ? fetchGet(globalThis.fetch)
    : (url, headers, signal) => httpGet(url, headers, signal);
}

/**
 * Whether Node's `fetch` was set up to route requests (`NODE_USE_ENV_PROXY`, or a global undici
 * dispatcher such as a `ProxyAgent` or `MockAgent`): downloads then go through it too.
 */
function fetchIsConfigured(): boolean {
  const proc = globalThis.process;
  if (proc?.env.NODE_USE_ENV_PROXY === '1' || proc?.execArgv.includes('--use-env-proxy')) {
    return true;
  }
  const dispatcher = (globalThis as Record<symbol, unknown>)[
    Symbol.for('undici.globalDispatcher.1')
  ];
  return dispatcher !== undefined && (dispatcher as object).constructor?.name !== 'Agent';
}

function rangeStart(response: { readonly headers: Headers }): number | undefined {
  const match = /^bytes\s+(\d+)-/.exec(response.headers.get('content-range') ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function totalFrom(response: { readonly headers: Headers }, offset: number): number | undefined {
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
