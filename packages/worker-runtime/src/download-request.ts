// The request side of downloadFile's own HTTP/1.1 client (download-http.ts): the connection,
// its time limits, the request text, and the checks that keep caller-supplied headers sane.
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import { ConfigurationError } from '@uplink/core-schemas';

/** Size of the reused read buffer (one socket read). */
const READ_BUFFER_BYTES = 64 * 1024;

/** Time limits of one GET, in milliseconds. */
export interface HttpGetTimeouts {
  /** To establish the connection (TLS included). undici's default: 10 s. */
  connectMs: number;
  /** From sending the request to the end of the response head. undici's default: 300 s. */
  headMs: number;
  /** Without any byte received while the body is read. undici's default: 300 s. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: HttpGetTimeouts = {
  connectMs: 10_000,
  headMs: 300_000,
  idleMs: 300_000,
};

/** Options of `httpGet` (the defaults are what downloadFile uses). */
export interface HttpGetOptions {
  /** @default DEFAULT_TIMEOUTS */
  timeouts?: Partial<HttpGetTimeouts> | undefined;
  /** Certificates to trust instead of Node's default CA list (tests). */
  ca?: string | Buffer | undefined;
}

/**
 * Connect to `url`'s host (TLS for https, verifying the certificate and host name), reading
 * into one reused buffer: `onRead` gets a view on it that is only valid during the call.
 */
export function openSocket(
  url: URL,
  ca: string | Buffer | undefined,
  onRead: (bytes: Uint8Array) => void,
): { socket: Socket; where: string } {
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port) || (secure ? 443 : 80);
  const onread = {
    buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
    callback: (length: number, buffer: Uint8Array): boolean => {
      onRead(buffer.subarray(0, length));
      return true;
    },
  };
  const socket = secure
    ? connectTls({
        host,
        port,
        ...(isIP(host) ? {} : { servername: host }),
        ALPNProtocols: ['http/1.1'],
        ...(ca === undefined ? {} : { ca }),
        // Supported by tls.connect as by net.connect (since Node 15), missing from @types/node.
        onread,
      } as ConnectionOptions)
    : connectTcp({ host, port, onread });
  return { socket, where: `${url.hostname}:${port}` };
}

/** Request headers the client sets itself: framing and connection handling are not the caller's. */
const OWN_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'accept-encoding',
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Check caller-supplied request headers: names must be tokens, values must not hold CR, LF or
 * NUL (no header injection), and framing headers are refused (downloads are saved byte for
 * byte, so no `Accept-Encoding` either).
 * @throws ConfigurationError naming every bad header.
 */
export function checkRequestHeaders(headers: Record<string, string> | undefined): void {
  const problems: { setting: string; message: string }[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const setting = `headers.${name}`;
    if (!TOKEN.test(name)) problems.push({ setting, message: 'not a valid header name' });
    else if (OWN_HEADERS.has(name.toLowerCase())) {
      problems.push({ setting, message: 'set by downloadFile itself; remove it' });
    } else if (typeof value !== 'string' || !FIELD_VALUE.test(value)) {
      problems.push({ setting, message: 'value must be text without CR, LF or NUL' });
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}

/** The request: target, then our headers, then the caller's (checked by checkRequestHeaders). */
export function requestText(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  const names = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (!names.has('accept')) lines.push('accept: */*');
  if (!names.has('user-agent')) lines.push('user-agent: uplink-worker-runtime');
  lines.push('accept-encoding: identity', 'connection: close');
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
