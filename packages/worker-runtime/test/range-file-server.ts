// A loopback file server for download tests: Range resumes against a strong ETag, and a first
// response that can be held part-way and then cut, the way a dropped connection looks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer } from '@uplink/testing/vitest';

/**
 * Serves `bytes` at any path with ETag `"v1"`, honouring `Range: bytes=N-` with a matching
 * `If-Range`. With `cutAfter`, the first response stops after that many bytes and stays open
 * until the test calls `cut()` (from onProgress, once the client really has those bytes).
 */
export async function rangeFileServer(bytes: Uint8Array, cutAfter?: number) {
  const held = new Set<ServerResponse>();
  let cutsLeft = cutAfter === undefined ? 0 : 1;
  const requests: IncomingMessage['headers'][] = [];
  const server = await startServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.headers);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range?.[1] && req.headers['if-range'] === '"v1"' ? Number(range[1]) : 0;
    const headers: Record<string, string> = {
      etag: '"v1"',
      'content-length': String(bytes.length - start),
    };
    if (start > 0) headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    if (cutsLeft > 0 && cutAfter !== undefined) {
      cutsLeft--;
      res.write(bytes.subarray(start, start + cutAfter));
      held.add(res);
      return;
    }
    res.end(bytes.subarray(start));
  });
  const cut = (): void => {
    for (const res of held) res.destroy();
    held.clear();
  };
  return { server, requests, cut };
}
