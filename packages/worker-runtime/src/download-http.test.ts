// The download client against raw TCP and TLS servers that write exactly the bytes a test
// scripts, so framing, interim responses, cuts, timeouts and hostile heads can be produced.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { httpGet } from './download-http.js';
import type { DownloadResponse } from './download-response.js';
import { HttpProtocolError } from './http1-response.js';

const TLS_DIR = join(import.meta.dirname, '../test/fixtures/tls');
const TLS = {
  cert: readFileSync(join(TLS_DIR, 'localhost-cert.pem')),
  key: readFileSync(join(TLS_DIR, 'localhost-key.pem')),
};

/** What a scripted connection does once the request head has arrived. */
type Script = (socket: Socket, request: string) => void | Promise<void>;

/** A server that answers each connection with `script`; records every request head. */
async function rawServer(script: Script, tls = false) {
  const requests: string[] = [];
  const onConnection = (socket: Socket): void => {
    let data = '';
    let answered = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (answered || !data.includes('\r\n\r\n')) return;
      answered = true;
      requests.push(data);
      void script(socket, data);
    });
  };
  const server: Server = tls ? createTlsServer(TLS, onConnection) : createTcpServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, requests, port };
}

/** Write `pieces` one by one, each in its own event loop turn, then end or keep open. */
async function writeSlowly(socket: Socket, pieces: (string | Buffer)[], end = true) {
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (end) socket.end();
}

/** The whole body, read with a sink that copies each piece (pieces are only lent). */
async function readAll(
  response: DownloadResponse,
  slowSink = false,
): Promise<{ body: Buffer; pieces: number }> {
  const parts: Buffer[] = [];
  await response.pipeTo((chunk) => {
    parts.push(Buffer.from(chunk));
    // An asynchronous sink (as after a slow disk write) pauses reading until it settles.
    if (slowSink) return new Promise((resolve) => setTimeout(resolve, 1));
  });
  return { body: Buffer.concat(parts), pieces: parts.length };
}

const rejection = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );

afterEach(() => undefined);

describe('httpGet', () => {
  it('sends one HTTP/1.1 GET asking for the bytes as stored, with the caller headers', async () => {
    const body = randomBytes(300_000);
    const server = await rawServer((socket) => {
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nETag: "e1"\r\n\r\n`),
          body,
        ]),
      );
    });
    const response = await httpGet(`${server.url}/a/b%20c.bin?X-Sig=abc&x=1`, {
      range: 'bytes=0-',
      'x-trace': 'kept',
    });
    expect(response).toMatchObject({ status: 200, ok: true });
    expect(response.headers.get('etag')).toBe('"e1"');
    expect((await readAll(response)).body.equals(body)).toBe(true);
    const request = server.requests[0] as string;
    expect(request.split('\r\n')).toEqual([
      'GET /a/b%20c.bin?X-Sig=abc&x=1 HTTP/1.1',
      `host: 127.0.0.1:${server.port}`,
      'accept: */*',
      'user-agent: uplink-worker-runtime',
      'accept-encoding: identity',
      'connection: close',
      'range: bytes=0-',
      'x-trace: kept',
      '',
      '',
    ]);
  });

  it('decodes a chunked body written a few bytes at a time, with an asynchronous sink too', async () => {
    const body = randomBytes(20_000);
    const pieces: Buffer[] = [Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')];
    for (let i = 0; i < body.length; i += 3000) {
      const chunk = body.subarray(i, i + 3000);
      pieces.push(Buffer.from(`${chunk.length.toString(16)};x=y\r\n`), chunk, Buffer.from('\r\n'));
    }
    pieces.push(Buffer.from('0\r\nX-Checksum: none\r\n\r\n'));
    // The same bytes re-cut into 7-byte writes, so sizes, data and CRLFs straddle reads.
    const wire = Buffer.concat(pieces);
    const tiny: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 7) tiny.push(wire.subarray(i, i + 7));
    for (const slowSink of [false, true]) {
      const server = await rawServer((socket) => writeSlowly(socket, tiny, false));
      const response = await httpGet(`${server.url}/c`, {});
      const read = await readAll(response, slowSink);
      expect(read.body.equals(body)).toBe(true);
    }
  });

  it('skips interim 100 and 103 responses and reads the final one', async () => {
    const server = await rawServer((socket) => {
      socket.end(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      );
    });
    const response = await httpGet(server.url, {});
    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toBeNull();
    expect((await readAll(response)).body.toString()).toBe('hello');
  });

  it('reads a body without length or chunking until the server closes', async () => {
    const server = await rawServer((socket) =>
      writeSlowly(socket, ['HTTP/1.0 200 OK\r\n\r\n', 'abc', 'def']),
    );
    expect((await readAll(await httpGet(server.url, {}))).body.toString()).toBe('abcdef');
  });

  it('has an empty body for 204 and Content-Length: 0, and closes the connection', async () => {
    for (const answer of [
      'HTTP/1.1 204 No Content\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    ]) {
      const server = await rawServer((socket) => {
        socket.write(answer); // and never close: the client must not wait for more
      });
      const response = await httpGet(server.url, {});
      expect((await readAll(response)).body.length).toBe(0);
    }
  });

  it('rejects a body cut before its Content-Length with how much arrived', async () => {
    const server = await rawServer(async (socket) => {
      await writeSlowly(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'abcd'], false);
      socket.destroy();
    });
    const response = await httpGet(server.url, {});
    const error = await rejection(readAll(response));
    expect(error.message).toBe(
      `127.0.0.1:${server.port} closed the connection after 4 body bytes of 10`,
    );
    expect(error).not.toHaveProperty('syscall');
  });

  it('rejects a chunked body cut before its last chunk', async () => {
    const server = await rawServer((socket) =>
      writeSlowly(socket, ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', '5\r\nab']),
    );
    const error = await rejection(readAll(await httpGet(server.url, {})));
    expect(error.message).toMatch(/closed the connection after 2 body bytes$/);
  });

  it('rejects a connection closed before the head is complete', async () => {
    const server = await rawServer((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-');
    });
    const error = await rejection(httpGet(server.url, {}));
    expect(error.message).toMatch(/closed the connection before the response head was complete/);
  });

  it.each([
    ['a head over 64 KiB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`, /larger/],
    ['garbage instead of a status line', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', /invalid status line/],
    [
      'ambiguous framing',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      /both Transfer-Encoding and Content-Length/,
    ],
    ['a switch of protocols', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', /switched protocols/],
  ])('refuses %s with HttpProtocolError', async (_name, answer, message) => {
    const server = await rawServer((socket) => {
      socket.write(answer);
    });
    const error = await rejection(httpGet(server.url, {}));
    expect(error).toBeInstanceOf(HttpProtocolError);
    expect(error.message).toMatch(message);
  });

  it('refuses a malformed chunk while reading the body', async () => {
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY\r\n');
    });
    const response = await httpGet(server.url, {});
    const error = await rejection(readAll(response));
    expect(error).toBeInstanceOf(HttpProtocolError);
    expect(error.message).toBe('missing CRLF after a chunk');
  });

  it('times out a server that never answers, and one that stops sending the body', async () => {
    const silent = await rawServer(() => undefined);
    const headError = await rejection(
      httpGet(silent.url, {}, undefined, { timeouts: { headMs: 50 } }),
    );
    expect(headError.message).toBe(`no response head from 127.0.0.1:${silent.port} within 50 ms`);
    const stalled = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc');
    });
    const response = await httpGet(stalled.url, {}, undefined, { timeouts: { idleMs: 50 } });
    const idleError = await rejection(readAll(response));
    expect(idleError.message).toBe(`no data from 127.0.0.1:${stalled.port} for 50 ms`);
  });

  it('aborts before, during the head and during the body', async () => {
    const before = new AbortController();
    before.abort(new Error('stop'));
    expect((await rejection(httpGet('http://127.0.0.1:9/', {}, before.signal))).message).toBe(
      'aborted',
    );
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc');
    });
    const controller = new AbortController();
    const response = await httpGet(server.url, {}, controller.signal);
    const reading = rejection(
      response.pipeTo(() => {
        controller.abort(new Error('user'));
      }),
    );
    const error = await reading;
    expect(error.message).toBe('aborted');
    expect((error.cause as Error).message).toBe('user');
  });

  it('refuses a URL with credentials without connecting', async () => {
    const server = await rawServer(() => undefined);
    const error = await rejection(httpGet(`http://user:pw@127.0.0.1:${server.port}/`, {}));
    expect(error.message).toBe('a URL with credentials cannot be downloaded');
    expect(server.requests).toEqual([]);
  });

  it('cancel() releases the connection without reading the body', async () => {
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const server = await rawServer((socket) => {
      socket.on('close', closed);
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n');
    });
    const response = await httpGet(server.url, {});
    await response.cancel();
    await gone;
    await expect(response.pipeTo(() => undefined)).resolves.toBeUndefined();
  });

  it('streams an error body as a fetch Response', async () => {
    const server = await rawServer((socket) => {
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n' +
          '6\r\n<Error\r\n9\r\n>Denied</\r\n7\r\nError>\n\r\n0\r\n\r\n',
      );
    });
    const response = (await httpGet(server.url, {})).toResponse();
    expect(response.status).toBe(403);
    expect(response.statusText).toBe('Forbidden');
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(await response.text()).toBe('<Error>Denied</Error>\n');
  });

  it('downloads over TLS, verifying the certificate and the host name', async () => {
    const body = randomBytes(200_000);
    const server = await rawServer((socket) => {
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`),
          body,
        ]),
      );
    }, true);
    const url = `https://localhost:${server.port}/model.bin`;
    const response = await httpGet(url, {}, undefined, { ca: TLS.cert });
    expect((await readAll(response, true)).body.equals(body)).toBe(true);
    // Without trusting the test certificate, the handshake fails: verification is on.
    const untrusted = await rejection(httpGet(url, {}));
    expect(untrusted.message).toMatch(/self-signed certificate/);
  });

  it('times out a TLS handshake that never completes', async () => {
    const accepted: Socket[] = [];
    const server = createTcpServer((socket) => {
      accepted.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as { port: number };
    const error = await rejection(
      httpGet(`https://127.0.0.1:${port}/`, {}, undefined, { timeouts: { connectMs: 50 } }),
    );
    expect(error.message).toBe(`no connection to 127.0.0.1:${port} within 50 ms`);
  });
});
