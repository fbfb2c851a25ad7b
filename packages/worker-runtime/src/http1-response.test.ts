import { describe, expect, it } from 'vitest';
import {
  bodyFraming,
  ChunkedDecoder,
  HttpProtocolError,
  headEnd,
  parseResponseHead,
} from './http1-response.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const head = (text: string) => parseResponseHead(bytes(text));

/** Feed `input` to a decoder in pieces of `step` bytes; return the body and where it ended. */
function decode(input: string, step: number): { body: string; done: boolean; rest: string } {
  const decoder = new ChunkedDecoder();
  const all = bytes(input);
  let body = '';
  for (let offset = 0; offset < all.length; offset += step) {
    const piece = all.slice(offset, offset + step);
    let pos = 0;
    for (;;) {
      const next = decoder.next(piece, pos, piece.length);
      if (next.kind === 'more') break;
      if (next.kind === 'done') {
        const rest = Buffer.from(piece.subarray(next.end)).toString('latin1');
        return {
          body,
          done: decoder.done,
          rest: rest + Buffer.from(all.subarray(offset + step)).toString('latin1'),
        };
      }
      body += Buffer.from(piece.subarray(next.start, next.end)).toString('latin1');
      pos = next.end;
    }
  }
  return { body, done: decoder.done, rest: '' };
}

describe('response head', () => {
  it('finds the end of the head after CRLF CRLF or bare LF LF, and nothing before it', () => {
    expect(headEnd(bytes('HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody'))).toBe(25);
    expect(headEnd(bytes('HTTP/1.1 200 OK\nA: b\n\nbody'))).toBe(22);
    expect(headEnd(bytes('HTTP/1.1 200 OK\r\nA: b\r\n'))).toBe(-1);
    expect(headEnd(bytes('HTTP/1.1 200 OK\r\n\r'))).toBe(-1);
  });

  it('parses the status, reason and repeated headers, trimming whitespace around values', () => {
    const parsed = head(
      'HTTP/1.1 206 Partial Content\r\nETag:  "v1" \r\nX-Amz-Meta: a\r\nx-amz-meta:\tb\r\n\r\n',
    );
    expect(parsed.status).toBe(206);
    expect(parsed.statusText).toBe('Partial Content');
    expect(parsed.headers.get('etag')).toBe('"v1"');
    expect(parsed.headers.get('x-amz-meta')).toBe('a, b');
    expect(head('HTTP/1.0 404\r\n\r\n')).toMatchObject({ status: 404, statusText: '' });
  });

  it.each([
    ['a missing status line', 'Content-Length: 1\r\n\r\n', /invalid status line/],
    ['HTTP/2 on the wire', 'HTTP/2 200 OK\r\n\r\n', /invalid status line/],
    ['a status above 599', 'HTTP/1.1 600 Odd\r\n\r\n', /invalid status line/],
    ['a two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', /invalid status line/],
    ['obsolete line folding', 'HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n', /obsolete line folding/],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nNoColon\r\n\r\n', /invalid header line/],
    ['a space in a header name', 'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', /invalid header line/],
    ['a NUL in a value', 'HTTP/1.1 200 OK\r\nA: b\u0000c\r\n\r\n', /control character/],
    ['a bare CR in a value', 'HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n', /control character/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => head(text)).toThrow(HttpProtocolError);
    expect(() => head(text)).toThrow(message);
  });

  it('shows at most 100 printable characters of a bad line', () => {
    const error = (() => {
      try {
        head(`HTTP/1.1 200 OK\r\n${'\u0001'.repeat(300)}\r\n\r\n`);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toBe(`invalid header line "${'?'.repeat(100)}"`);
  });
});

describe('body framing', () => {
  const framing = (text: string) => bodyFraming(head(text));

  it('has no body for 1xx, 204 and 304, even with a Content-Length', () => {
    for (const status of [100, 204, 304]) {
      expect(framing(`HTTP/1.1 ${status} X\r\nContent-Length: 10\r\n\r\n`)).toEqual({
        kind: 'none',
      });
    }
  });

  it('reads Content-Length, chunked, or until the connection closes', () => {
    expect(framing('HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n')).toEqual({
      kind: 'length',
      length: 42,
    });
    // Repeated identical values are one length (RFC 9110 §8.6).
    expect(framing('HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\n')).toEqual({
      kind: 'length',
      length: 7,
    });
    expect(framing('HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked \r\n\r\n')).toEqual({
      kind: 'chunked',
    });
    expect(framing('HTTP/1.1 200 OK\r\n\r\n')).toEqual({ kind: 'close' });
  });

  it.each([
    [
      'both Transfer-Encoding and Content-Length',
      'Transfer-Encoding: chunked\r\nContent-Length: 3',
    ],
    ['a transfer coding it cannot undo', 'Transfer-Encoding: gzip, chunked'],
    ['a transfer coding without chunked', 'Transfer-Encoding: gzip'],
    ['differing Content-Length values', 'Content-Length: 5\r\nContent-Length: 6'],
    ['a negative Content-Length', 'Content-Length: -1'],
    ['a Content-Length that is not a number', 'Content-Length: 12abc'],
    ['a Content-Length beyond 15 digits', 'Content-Length: 1234567890123456'],
  ])('refuses %s', (_name, fields) => {
    expect(() => framing(`HTTP/1.1 200 OK\r\n${fields}\r\n\r\n`)).toThrow(HttpProtocolError);
  });
});

describe('ChunkedDecoder', () => {
  const wire =
    '4;name="ext"\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\nNEXT';

  it('decodes whatever the piece boundaries, skipping extensions and trailers', () => {
    for (const step of [1, 2, 3, 7, 16, wire.length]) {
      expect(decode(wire, step)).toEqual({
        body: 'Wikipedia in\r\n\r\nchunks.',
        done: true,
        rest: 'NEXT',
      });
    }
  });

  it('reports data as ranges of the input, without copying', () => {
    const decoder = new ChunkedDecoder();
    const input = bytes('3\r\nabc\r\n0\r\n\r\n');
    expect(decoder.next(input, 0, input.length)).toEqual({ kind: 'data', start: 3, end: 6 });
    expect(decoder.next(input, 6, input.length)).toEqual({ kind: 'done', end: input.length });
    expect(decoder.next(input, input.length, input.length)).toEqual({
      kind: 'done',
      end: input.length,
    });
  });

  it('needs more input until the final empty line', () => {
    expect(decode('3\r\nabc\r\n0\r\n', 4)).toEqual({ body: 'abc', done: false, rest: '' });
    expect(decode('3\r\nab', 100)).toEqual({ body: 'ab', done: false, rest: '' });
  });

  it.each([
    ['a size that is not hex', 'zz\r\n'],
    ['an empty size line', '\r\n'],
    ['a size of 14 hex digits', `${'f'.repeat(14)}\r\n`],
    ['data longer than its size', '3\r\nabcd\r\n'],
    ['a size line over 4 KiB', `1;${'x'.repeat(5000)}\r\n`],
    ['a trailer section over 4 KiB', `0\r\n${'X-T: y\r\n'.repeat(700)}\r\n`],
  ])('refuses %s', (_name, input) => {
    expect(() => decode(input, 1)).toThrow(HttpProtocolError);
    expect(() => decode(input, input.length)).toThrow(HttpProtocolError);
  });
});
