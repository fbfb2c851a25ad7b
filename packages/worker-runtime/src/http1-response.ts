// HTTP/1.1 response framing (RFC 9112 §4-§7) for the download client in download-http.ts:
// the status line and header section, how the body is delimited, and chunked decoding. Pure
// functions over bytes, strict where a lenient reading could mis-frame the body.

/** Largest response head accepted (status line and headers). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Largest chunk-size line (size, extensions) or trailer section accepted. */
const MAX_CHUNK_LINE_BYTES = 4096;

/** A response that does not follow HTTP/1.1 closely enough to be read safely. */
export class HttpProtocolError extends Error {
  override name = 'HttpProtocolError';
}

/** The status line and headers of a response. */
export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Headers;
}

const CR = 13;
const LF = 10;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.[01] ([1-5]\d\d)(?: ([^\r\n]*))?$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Index just past the empty line that ends a head in `bytes` (CRLF or bare LF), or -1. */
export function headEnd(bytes: Uint8Array): number {
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) {
    const next = i + 1;
    if (bytes[next] === LF) return next + 1;
    if (bytes[next] === CR && bytes[next + 1] === LF) return next + 2;
  }
  return -1;
}

/**
 * Parse a complete head (`bytes` ends with its empty line). Obsolete line folding, a header
 * name that is not a token, a control character in a value or a status outside 100-599 is an
 * {@link HttpProtocolError}.
 */
export function parseResponseHead(bytes: Uint8Array): ResponseHead {
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const status = STATUS_LINE.exec(lines[0] ?? '');
  if (!status?.[1]) {
    throw new HttpProtocolError(`invalid status line "${printable(lines[0] ?? '')}"`);
  }
  const reason = status[2] ?? '';
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    if (line === '') break;
    if (line[0] === ' ' || line[0] === '\t') {
      throw new HttpProtocolError('obsolete line folding in the response headers');
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!TOKEN.test(name)) throw new HttpProtocolError(`invalid header line "${printable(line)}"`);
    if (!FIELD_VALUE.test(value)) {
      throw new HttpProtocolError(`control character in the value of header "${name}"`);
    }
    headers.append(name, value);
  }
  return {
    status: Number(status[1]),
    statusText: FIELD_VALUE.test(reason) ? reason : '',
    headers,
  };
}

/** How a response body ends. */
export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'close' };

/**
 * How the body of a response to a GET is delimited (RFC 9112 §6.3). Ambiguous framing is
 * refused rather than guessed: `Transfer-Encoding` other than `chunked` alone, both it and
 * `Content-Length`, or `Content-Length` values that differ or are not whole numbers.
 */
export function bodyFraming(head: ResponseHead): BodyFraming {
  if (head.status < 200 || head.status === 204 || head.status === 304) return { kind: 'none' };
  const transfer = head.headers.get('transfer-encoding');
  const length = head.headers.get('content-length');
  if (transfer !== null) {
    const codings = transfer
      .split(',')
      .map((coding) => coding.trim().toLowerCase())
      .filter(Boolean);
    if (codings.length !== 1 || codings[0] !== 'chunked') {
      throw new HttpProtocolError(`unsupported Transfer-Encoding "${printable(transfer)}"`);
    }
    if (length !== null) {
      throw new HttpProtocolError('both Transfer-Encoding and Content-Length in one response');
    }
    return { kind: 'chunked' };
  }
  if (length === null) return { kind: 'close' };
  const values = new Set(length.split(',').map((value) => value.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) {
    throw new HttpProtocolError(`invalid Content-Length "${printable(length)}"`);
  }
  return { kind: 'length', length: Number(only) };
}

/** What {@link ChunkedDecoder.next} found in the input. */
export type ChunkedStep =
  /** Body bytes `[start, end)` of the input; continue at `end`. */
  | { kind: 'data'; start: number; end: number }
  /** All input up to `end` consumed; more is needed. */
  | { kind: 'more' }
  /** The last chunk and trailers ended at `end`; the body is complete. */
  | { kind: 'done'; end: number };

/**
 * Decodes `Transfer-Encoding: chunked` incrementally without copying body bytes: each call
 * reports the next run of body bytes as a range of the input. Chunk extensions and trailer
 * fields are skipped (bounded in size); a malformed size line or missing CRLF after a chunk is
 * an {@link HttpProtocolError}.
 */
export class ChunkedDecoder {
  #state: 'size' | 'data' | 'data-end' | 'trailers' | 'done' = 'size';
  #line = '';
  #remaining = 0;
  /** Bytes of trailer fields seen so far (bounded like one line). */
  #trailerBytes = 0;

  /** The next step for `input[start..end)`. */
  next(input: Uint8Array, start: number, end: number): ChunkedStep {
    let pos = start;
    while (pos < end) {
      switch (this.#state) {
        case 'data': {
          const stop = Math.min(end, pos + this.#remaining);
          this.#remaining -= stop - pos;
          if (this.#remaining === 0) this.#state = 'data-end';
          return { kind: 'data', start: pos, end: stop };
        }
        case 'size':
        case 'data-end':
        case 'trailers': {
          const newline = input.indexOf(LF, pos);
          const stop = newline === -1 || newline >= end ? end : newline;
          this.#line += Buffer.from(input.buffer, input.byteOffset + pos, stop - pos).toString(
            'latin1',
          );
          if (this.#state === 'trailers') this.#trailerBytes += stop - pos;
          if (
            this.#line.length > MAX_CHUNK_LINE_BYTES ||
            this.#trailerBytes > MAX_CHUNK_LINE_BYTES
          ) {
            throw new HttpProtocolError('chunk-size line or trailer section too long');
          }
          if (stop === end) return { kind: 'more' };
          pos = stop + 1;
          const line = this.#line.endsWith('\r') ? this.#line.slice(0, -1) : this.#line;
          this.#line = '';
          if (this.#endLine(line)) return { kind: 'done', end: pos };
          break;
        }
        case 'done':
          return { kind: 'done', end: pos };
      }
    }
    return this.#state === 'done' ? { kind: 'done', end: pos } : { kind: 'more' };
  }

  /** Whether the body is complete. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** Handle one complete line; true when it ended the body. */
  #endLine(line: string): boolean {
    if (this.#state === 'data-end') {
      if (line !== '') throw new HttpProtocolError('missing CRLF after a chunk');
      this.#state = 'size';
      return false;
    }
    if (this.#state === 'trailers') {
      if (line !== '') return false;
      this.#state = 'done';
      return true;
    }
    const size = /^([0-9A-Fa-f]{1,13})[ \t]*(?:;.*)?$/.exec(line)?.[1];
    if (size === undefined) throw new HttpProtocolError(`invalid chunk size "${printable(line)}"`);
    this.#remaining = Number.parseInt(size, 16);
    this.#state = this.#remaining === 0 ? 'trailers' : 'data';
    return false;
  }
}

/** Finds the body bytes in what a connection delivers, whatever the framing. */
export class BodyDecoder {
  /** Body bytes found so far. */
  received = 0;
  readonly #framing: BodyFraming;
  #remaining: number;
  readonly #chunked: ChunkedDecoder | undefined;

  constructor(framing: BodyFraming) {
    this.#framing = framing;
    this.#remaining = framing.kind === 'length' ? framing.length : 0;
    this.#chunked = framing.kind === 'chunked' ? new ChunkedDecoder() : undefined;
  }

  /** Whether the body is complete (one delimited by the connection's end never is before it). */
  get done(): boolean {
    if (this.#chunked) return this.#chunked.done;
    if (this.#framing.kind === 'length') return this.#remaining === 0;
    return this.#framing.kind === 'none';
  }

  /** Whether the end of the connection is the end of the body. */
  get endsWithConnection(): boolean {
    return this.#framing.kind === 'close';
  }

  /** The next body bytes in `input[start..end)`. */
  next(input: Uint8Array, start: number, end: number): ChunkedStep {
    if (this.done) return { kind: 'done', end: start };
    if (this.#chunked) {
      const step = this.#chunked.next(input, start, end);
      if (step.kind === 'data') this.received += step.end - step.start;
      return step;
    }
    if (start === end) return { kind: 'more' };
    const stop = this.#framing.kind === 'length' ? Math.min(end, start + this.#remaining) : end;
    this.received += stop - start;
    if (this.#framing.kind === 'length') this.#remaining -= stop - start;
    return { kind: 'data', start, end: stop };
  }

  /** How much arrived (`4 body bytes of 10`), for the error when the body is cut. */
  describe(): string {
    const of = this.#framing.kind === 'length' ? ` of ${this.received + this.#remaining}` : '';
    return `${this.received} body bytes${of}`;
  }
}

/** At most 100 characters of a line, control characters shown as `?`. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
  return text.slice(0, 100).replace(/[\x00-\x1f\x7f]/g, '?');
}
