// A minimal WebSocket server for the chat-streaming capability (text frames only), since
// SATURN itself has no streaming route and the fake rightly answers 404 there.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { startServer } from '@uplink/testing';
import { onTestFinished } from 'vitest';

/** One accepted connection: what the client sent, and how to answer. */
export interface WsPeer {
  request: IncomingMessage;
  /** Text frames received from the client, in order. */
  received: string[];
  /** Resolves with the next text frame. */
  next(): Promise<string>;
  send(text: string): void;
  close(code?: number): void;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([
            Buffer.from([0x80 | opcode, 127]),
            (() => {
              const b = Buffer.alloc(8);
              b.writeBigUInt64BE(BigInt(length));
              return b;
            })(),
          ]);
  return Buffer.concat([header, payload]);
}

/** Parse masked client frames out of `buffer`; returns the frames and the unread rest. */
function parseFrames(buffer: Buffer): {
  frames: { opcode: number; payload: Buffer }[];
  rest: Buffer;
} {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = (buffer[offset] ?? 0) & 0x0f;
    let length = (buffer[offset + 1] ?? 0) & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length < cursor + 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length < cursor + 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    if (buffer.length < cursor + 4 + length) break;
    const mask = buffer.subarray(cursor, cursor + 4);
    const payload = Buffer.from(buffer.subarray(cursor + 4, cursor + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    frames.push({ opcode, payload });
    offset = cursor + 4 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** Start a loopback WebSocket server; `onPeer` runs for each connection. Closed after the test. */
export async function startWsServer(onPeer: (peer: WsPeer) => void | Promise<void>) {
  const server = await startServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    const key = String(request.headers['sec-websocket-key']);
    const accept = createHash('sha1')
      .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const received: string[] = [];
    const waiters: { index: number; resolve: (text: string) => void }[] = [];
    let cursor = 0;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseFrames(Buffer.concat([pending, chunk]));
      pending = parsed.rest;
      for (const { opcode, payload } of parsed.frames) {
        if (opcode === 0x8) {
          socket.end(frame(0x8, payload.subarray(0, 2)));
          continue;
        }
        if (opcode !== 0x1) continue;
        const text = payload.toString('utf8');
        received.push(text);
        for (const waiter of waiters.splice(0)) {
          if (waiter.index < received.length) waiter.resolve(received[waiter.index] as string);
          else waiters.push(waiter);
        }
      }
    });
    socket.on('error', () => {});
    const peer: WsPeer = {
      request,
      received,
      next: () => {
        const index = cursor++;
        if (index < received.length) return Promise.resolve(received[index] as string);
        return new Promise((resolve) => waiters.push({ index, resolve }));
      },
      send: (text) => socket.write(frame(0x1, Buffer.from(text))),
      close: (code = 1000) => {
        const payload = Buffer.alloc(2);
        payload.writeUInt16BE(code);
        socket.end(frame(0x8, payload));
      },
    };
    void onPeer(peer);
  });
  onTestFinished(() => server.close());
  return server;
}
