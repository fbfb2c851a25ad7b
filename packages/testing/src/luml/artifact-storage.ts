// docs/protocols/luml.md §4.10 (presigned GET URLs, 12 h) and §18.10 (expiry)
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { LumlState } from './platform-state.js';
import type { StoredArtifact } from './state-types.js';

/** Bucket name in presigned URLs (path-style, like MinIO). */
export const BUCKET = 'luml-artifacts';

/** Presigned-URL validity of the real platform: 12 hours. */
export const DEFAULT_URL_EXPIRES_SECONDS = 12 * 60 * 60;

const amzDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const parseAmzDate = (s: string): number | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

/** Mints and checks S3-style presigned URLs on the fake's own origin. */
export class Presigner {
  private readonly key = randomBytes(32);

  constructor(
    private readonly now: () => Date,
    readonly expiresSeconds: number,
  ) {}

  private sign(path: string, date: string, expires: string): string {
    return createHmac('sha256', this.key).update(`GET\n${path}\n${date}\n${expires}`).digest('hex');
  }

  /** Path (URL-encoded) where an artifact's bytes are served. */
  static objectPath(bucketLocation: string): string {
    return `/${BUCKET}/${bucketLocation.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** A presigned GET URL for an artifact, valid `expiresSeconds` from now. */
  presign(origin: string, stored: StoredArtifact): string {
    const path = Presigner.objectPath(stored.artifact.bucket_location);
    const date = amzDate(this.now());
    const expires = String(this.expiresSeconds);
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'fake-access-key/luml/s3/aws4_request',
      'X-Amz-Date': date,
      'X-Amz-Expires': expires,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': this.sign(path, date, expires),
    });
    return `${origin}${path}?${query.toString()}`;
  }

  /** Check a presigned request: undefined when valid, else the S3 error code and message. */
  verify(path: string, query: URLSearchParams): { code: string; message: string } | undefined {
    const date = query.get('X-Amz-Date');
    const expires = query.get('X-Amz-Expires');
    const signature = query.get('X-Amz-Signature');
    if (!date || !expires || !signature)
      return {
        code: 'AccessDenied',
        message: 'Request is missing the presigned query parameters.',
      };
    const expected = Buffer.from(this.sign(path, date, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return {
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      };
    const signedAt = parseAmzDate(date);
    const seconds = Number(expires);
    if (signedAt === undefined || !Number.isFinite(seconds))
      return {
        code: 'AuthorizationQueryParametersError',
        message: 'Invalid X-Amz-Date or X-Amz-Expires.',
      };
    if (this.now().getTime() > signedAt + seconds * 1000)
      return { code: 'AccessDenied', message: 'Request has expired' };
    return undefined;
  }
}

function sendS3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(xml)),
  });
  res.end(xml);
}

/** Parse a single `bytes=` range against a size. `unsatisfiable` -> 416; undefined -> ignore. */
export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // malformed or multi-range: serve it all
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

/**
 * Serve `GET|HEAD /luml-artifacts/<bucket_location>?X-Amz-...`: checks the signature and
 * expiry (403 with an S3 XML error), then the bytes with `ETag`, `Last-Modified`,
 * `Accept-Ranges`, single `Range` (206/416), `If-Range`, `If-None-Match` (304) and the
 * SHA-256 in `x-amz-checksum-sha256` (base64) and `x-amz-meta-sha256` (hex).
 */
export function serveArtifactObject(
  state: LumlState,
  presigner: Presigner,
  method: string,
  rawPath: string,
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
  res: ServerResponse,
): void {
  const problem = presigner.verify(rawPath, query);
  if (problem) {
    sendS3Error(res, 403, problem.code, problem.message);
    return;
  }
  const location = decodeURIComponent(rawPath.slice(BUCKET.length + 2));
  const stored = [...state.artifacts.values()].find((a) => a.artifact.bucket_location === location);
  if (!stored) {
    sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    return;
  }

  const { bytes, etag } = stored;
  const common: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag,
    'last-modified': stored.lastModified,
    'x-amz-checksum-sha256': Buffer.from(stored.sha256, 'hex').toString('base64'),
    'x-amz-meta-sha256': stored.sha256,
  };
  const ifNoneMatch = headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((t) => t.trim() === etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const rangeHeader = headers.range;
  const ifRange = headers['if-range'];
  const rangeAllowed =
    typeof ifRange !== 'string' || ifRange === etag || ifRange === stored.lastModified;
  const range =
    typeof rangeHeader === 'string' && rangeAllowed
      ? parseRange(rangeHeader, bytes.length)
      : undefined;
  if (range === 'unsatisfiable') {
    res.writeHead(416, {
      ...common,
      'content-range': `bytes */${bytes.length}`,
      'content-length': '0',
    });
    res.end();
    return;
  }
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  res.writeHead(range ? 206 : 200, {
    ...common,
    'content-length': String(body.length),
    ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${bytes.length}` } : {}),
  });
  res.end(method === 'HEAD' ? undefined : body);
}
