import { inspect } from 'node:util';
import { ConnectionError, PermissionDeniedError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createHttpClient, type Logger } from '../src/index.js';
import { scriptedServer } from './helpers.js';

const SIGNATURE = 'f3a9c1e5b2d4f6a8c0e9b1d3f5a7c9e0f3a9c1e5b2d4f6a8c0e9b1d3f5a7c9e0';
const CREDENTIAL = 'AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request';
const SESSION = 'FwoGZXIvYXdzEJr//////////wEaDOnSessionToken';
const AZURE_SIG = 'Zm9vYmFyYmF6cXV4cXV1eHl6enk=';
const SHOWN = [SIGNATURE, 'AKIAIOSFODNN7EXAMPLE', 'FwoGZXIvYXdzEJr', 'Zm9vYmFyYmF6'];

function capture(): { logger: Logger; lines: unknown[] } {
  const lines: unknown[] = [];
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    lines.push({ level, msg, fields });
  return {
    lines,
    logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') },
  };
}

function everything(error: unknown, lines: unknown[]): string {
  return [
    inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(error),
    String((error as Error).message),
    inspect(lines, { depth: Number.POSITIVE_INFINITY }),
  ].join('\n');
}

describe('presigned URL signatures never show', () => {
  const s3Query = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': CREDENTIAL,
    'X-Amz-Security-Token': SESSION,
    'X-Amz-Signature': SIGNATURE,
  };

  it('in ApiError url, message, toJSON and debug logs', async () => {
    const { url } = await scriptedServer((req, res) => {
      // An object store echoing the request URL in its error page, as S3 does.
      res.writeHead(403, { 'content-type': 'application/xml', location: `http://x${req.url}` });
      res.end(`<Error><Code>AccessDenied</Code><Resource>http://x${req.url}</Resource></Error>`);
    });
    const { logger, lines } = capture();
    const client = createHttpClient({ baseUrl: url, logger, retry: false });
    const error = await client
      .get('/bucket/model.bin', v.unknown(), { query: s3Query })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).url).toContain('X-Amz-Signature=[REDACTED]');
    expect((error as PermissionDeniedError).url).toContain('X-Amz-Algorithm=AWS4-HMAC-SHA256');
    expect(lines.length).toBeGreaterThan(0);
    const text = everything(error, lines);
    for (const part of SHOWN) expect(text).not.toContain(part);
  });

  it('in an absolute Azure SAS URL that cannot be reached', async () => {
    const { logger, lines } = capture();
    const client = createHttpClient({ baseUrl: 'http://127.0.0.1:9', logger, retry: false });
    const error = await client
      .get(
        `http://127.0.0.1:9/c/model.bin?sv=2022-11-02&sp=r&sig=${encodeURIComponent(AZURE_SIG)}`,
        null,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).url).toContain('sig=[REDACTED]');
    expect((error as ConnectionError).url).toContain('sv=2022-11-02');
    const text = everything(error, lines);
    for (const part of SHOWN) expect(text).not.toContain(part);
  });
});
