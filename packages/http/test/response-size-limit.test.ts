import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  ConfigurationError,
  ResponseTooLargeError,
  ResponseValidationError,
  StreamError,
} from '@uplink/core-schemas';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../src/index.js';
import { scriptedServer } from './helpers.js';

const MiB = 1024 * 1024;
/** Safety net for the unfixed client: the "endless" body ends after this much. */
const SERVER_CAP_BYTES = 160 * MiB;

/**
 * Stream a JSON-looking body that never ends (until the safety net), as fast as the client
 * reads it. Resolves `sent` with the bytes written once the client has gone away.
 */
function endlessBody(res: ServerResponse, counter: { sent: number; closed: Promise<void> }) {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let done!: () => void;
  counter.closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  res.on('close', () => done());
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"data":"');
  const pump = (): void => {
    while (!res.destroyed && counter.sent < SERVER_CAP_BYTES) {
      counter.sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  pump();
}

describe('2xx JSON bodies have a size limit', () => {
  it('an endless body stops at the 32 MiB default: one request, bounded memory, a clear error', async () => {
    const counter = { sent: 0, closed: Promise.resolve() };
    const { url, seen } = await scriptedServer((_req, res) => endlessBody(res, counter));
    const client = createHttpClient({ baseUrl: url, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const error = await client.get('/huge', v.unknown()).catch((e: unknown) => e);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toBeInstanceOf(StreamError);
    const tooLarge = error as ResponseTooLargeError;
    expect(tooLarge.code).toBe('oversized');
    expect(tooLarge.retriable).toBe(false);
    expect(tooLarge.maxBytes).toBe(32 * MiB);
    expect(tooLarge.status).toBe(200);
    expect(tooLarge.message).toContain('33554432 bytes');
    expect(tooLarge.message).toContain('maxResponseBytes');
    expect(tooLarge.message).toContain('GET /huge');
    // Never retried, and the client stopped reading: the server saw it hang up long before
    // the safety net, and memory grew by a few times the limit, not by the body (a client
    // that reads it whole grows by about 700 MB here).
    expect(seen).toHaveLength(1);
    await counter.closed;
    expect(counter.sent).toBeLessThan(SERVER_CAP_BYTES / 2);
    expect(rssGrowth).toBeLessThan(5 * 32 * MiB);
  });

  it('per-call and client limits, and a Content-Length over the limit fails before reading', async () => {
    let lengthSent = 0;
    const { url, seen } = await scriptedServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(8 * MiB),
        });
        // Only the start of the declared body: the client must not wait for the rest.
        res.write('{"data":"');
        lengthSent = 9;
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: 'x'.repeat(2000) }));
    });
    const client = createHttpClient({ baseUrl: url, maxResponseBytes: 1000, retry: false });
    const fromClient = await client.get('/small', v.unknown()).catch((e: unknown) => e);
    expect(fromClient).toBeInstanceOf(ResponseTooLargeError);
    expect((fromClient as ResponseTooLargeError).maxBytes).toBe(1000);
    expect(await client.get('/small', v.unknown(), { maxResponseBytes: 4000 })).toEqual({
      data: 'x'.repeat(2000),
    });
    const declared = await client
      .get('/declared', v.unknown(), { maxResponseBytes: MiB })
      .catch((e: unknown) => e);
    expect(declared).toBeInstanceOf(ResponseTooLargeError);
    expect((declared as Error).message).toContain('Content-Length');
    expect(lengthSent).toBe(9);
    expect(seen).toHaveLength(3);
  });

  it('a small compressed body that inflates past the limit is refused (a zip bomb)', async () => {
    const inflated = JSON.stringify({ data: '0'.repeat(4 * MiB) });
    const compressed = gzipSync(inflated);
    expect(compressed.length).toBeLessThan(64 * 1024);
    const { url } = await scriptedServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(compressed.length),
      });
      res.end(compressed);
    });
    const client = createHttpClient({ baseUrl: url, maxResponseBytes: MiB });
    const error = await client.get('/bomb', v.unknown()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).declaredBytes).toBeUndefined();
    const roomy = createHttpClient({ baseUrl: url, maxResponseBytes: 8 * MiB });
    expect(((await roomy.get('/bomb', v.unknown())) as { data: string }).data).toHaveLength(
      4 * MiB,
    );
  });

  it('a body exactly at the limit passes', async () => {
    const body = JSON.stringify({ data: 'é'.repeat(100) });
    const bytes = Buffer.byteLength(body);
    const { url } = await scriptedServer({ status: 200, raw: body });
    const client = createHttpClient({ baseUrl: url, maxResponseBytes: bytes });
    expect(await client.get('/x', v.unknown())).toEqual({ data: 'é'.repeat(100) });
    const smaller = createHttpClient({ baseUrl: url, maxResponseBytes: bytes - 1 });
    await expect(smaller.get('/x', v.unknown())).rejects.toBeInstanceOf(ResponseTooLargeError);
    // A null schema ignores the body, but the body is still bounded.
    await expect(smaller.get('/x', null)).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(smaller.get('/x', v.unknown())).rejects.not.toBeInstanceOf(
      ResponseValidationError,
    );
  });

  it('rejects a bad limit with ConfigurationError', async () => {
    expect(() => createHttpClient({ baseUrl: 'http://127.0.0.1:9', maxResponseBytes: 0 })).toThrow(
      ConfigurationError,
    );
    const client = createHttpClient({ baseUrl: 'http://127.0.0.1:9' });
    await expect(client.get('/x', null, { maxResponseBytes: Number.NaN })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });
});
