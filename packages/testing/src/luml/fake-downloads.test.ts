import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

let clock: Date;
let platform: FakeLumlPlatform;
let url: string;
const bytes = new Uint8Array(Array.from({ length: 1000 }, (_, i) => i % 251));

beforeEach(async () => {
  clock = new Date('2026-08-17T15:00:00.000Z');
  platform = await startFakeLumlPlatform({ now: () => clock });
  const { token } = platform.createSatellite();
  const artifact = platform.uploadArtifact({ bytes, fileName: 'model weights.luml' });
  const res = await fetch(`${platform.url}/satellites/v1/artifacts/${artifact.id}/download-url`, {
    headers: { authorization: `Bearer ${token}` },
  });
  url = ((await res.json()) as { url: string }).url;
});
afterEach(() => platform.close());

const download = async (headers: Record<string, string> = {}, target = url, method = 'GET') => {
  const res = await fetch(target, { headers, method });
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
};

describe('presigned artifact downloads', () => {
  it('serves the bytes with ETag, Last-Modified, Accept-Ranges and the SHA-256', async () => {
    const { res, body } = await download();
    expect(res.status).toBe(200);
    expect(body).toEqual(bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(res.headers.get('x-amz-meta-sha256')).toBe(sha256);
    expect(res.headers.get('x-amz-checksum-sha256')).toBe(
      Buffer.from(sha256, 'hex').toString('base64'),
    );
    expect(platform.artifacts[0]?.file_hash).toBe(sha256);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('last-modified')).toBe(clock.toUTCString());
    expect(res.headers.get('content-length')).toBe('1000');
    expect(url).toContain('model%20weights.luml');
  });

  it('honours single Range requests with 206 and Content-Range, and 416 when unsatisfiable', async () => {
    const part = await download({ range: 'bytes=100-199' });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(part.body).toEqual(bytes.subarray(100, 200));
    const open = await download({ range: 'bytes=990-' });
    expect(open.body).toEqual(bytes.subarray(990));
    const suffix = await download({ range: 'bytes=-10' });
    expect(suffix.res.headers.get('content-range')).toBe('bytes 990-999/1000');
    const clamped = await download({ range: 'bytes=995-5000' });
    expect(clamped.body).toHaveLength(5);
    const beyond = await download({ range: 'bytes=1000-' });
    expect(beyond.res.status).toBe(416);
    expect(beyond.res.headers.get('content-range')).toBe('bytes */1000');
    expect((await download({ range: 'bytes=-0' })).res.status).toBe(416);
    // Malformed, reversed or multi-range requests get the whole body, as the RFC allows.
    for (const range of ['bytes=5-1', 'items=0-1', 'bytes=0-1,5-6', 'bytes=-']) {
      const whole = await download({ range });
      expect(whole.res.status, range).toBe(200);
      expect(whole.body).toHaveLength(1000);
    }
  });

  it('applies If-Range (resume only when unchanged) and If-None-Match (304)', async () => {
    const { res } = await download();
    const etag = res.headers.get('etag')!;
    const lastModified = res.headers.get('last-modified')!;
    expect((await download({ range: 'bytes=0-9', 'if-range': etag })).res.status).toBe(206);
    expect((await download({ range: 'bytes=0-9', 'if-range': lastModified })).res.status).toBe(206);
    const changed = await download({ range: 'bytes=0-9', 'if-range': '"other"' });
    expect(changed.res.status).toBe(200);
    expect(changed.body).toHaveLength(1000);
    expect((await download({ 'if-none-match': `"x", ${etag}` })).res.status).toBe(304);
  });

  it('answers HEAD with headers only', async () => {
    const { res, body } = await download({}, url, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('1000');
    expect(body).toHaveLength(0);
  });

  it('expires after X-Amz-Expires (403 AccessDenied) and rejects tampered URLs', async () => {
    clock = new Date(clock.getTime() + 12 * 3600_000);
    expect((await download()).res.status).toBe(200);
    clock = new Date(clock.getTime() + 1000);
    const expired = await download();
    expect(expired.res.status).toBe(403);
    expect(new TextDecoder().decode(expired.body)).toContain(
      '<Message>Request has expired</Message>',
    );

    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Expires', '999999');
    const forged = await download({}, tampered.toString());
    expect(forged.res.status).toBe(403);
    expect(new TextDecoder().decode(forged.body)).toContain('SignatureDoesNotMatch');
    const bare = new URL(url);
    bare.search = '';
    expect((await download({}, bare.toString())).res.status).toBe(403);
  });

  it('answers 404 NoSuchKey for a correctly signed URL whose object is gone', async () => {
    // A signed URL for a different key cannot be forged, so sign one through the fake and
    // point the state elsewhere: a deleted artifact keeps no bytes.
    const other = platform.uploadArtifact({ bytes: 'x' });
    const signed = platform.artifactDownloadUrl(other.id);
    other.bucket_location = 'orbits/moved';
    const gone = await download({}, signed);
    expect(gone.res.status).toBe(404);
    expect(new TextDecoder().decode(gone.body)).toContain('NoSuchKey');
    expect(() => platform.artifactDownloadUrl(crypto.randomUUID())).toThrow(/no artifact/);
  });

  it('honours artifactUrlExpiresSeconds', async () => {
    await using short = await startFakeLumlPlatform({
      now: () => clock,
      artifactUrlExpiresSeconds: 60,
    });
    const artifact = short.uploadArtifact({ bytes: 'abc' });
    const signed = short.artifactDownloadUrl(artifact.id);
    expect(new URL(signed).searchParams.get('X-Amz-Expires')).toBe('60');
    clock = new Date(clock.getTime() + 61_000);
    expect((await fetch(signed)).status).toBe(403);
  });
});

describe('artifact file names', () => {
  it('serves artifacts whose names have directories, dot segments or nothing at all', async () => {
    const base = `${platform.url}/v1/organizations/${platform.organizationId}/orbits/${platform.orbitId}`;
    for (const fileName of ['../evil.bin', 'dir/x.bin', '..', '.', 'a b%2F.bin', '']) {
      const res = await fetch(`${base}/artifacts?file_name=${encodeURIComponent(fileName)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.userApiKey}` },
        body: `bytes of ${fileName}`,
      });
      expect(res.status).toBe(200);
      const artifact = (await res.json()) as { id: string; file_name: string };
      // The wire keeps the name as given (an empty one means the default).
      expect(artifact.file_name).toBe(fileName || 'model.luml');
      const got = await download({}, platform.artifactDownloadUrl(artifact.id));
      expect(got.res.status, fileName).toBe(200);
      expect(new TextDecoder().decode(got.body)).toBe(`bytes of ${fileName}`);
    }
  });
});
