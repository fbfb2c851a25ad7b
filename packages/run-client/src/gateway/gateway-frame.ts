// docs/protocols/agent-sdk.md §1.10: the frames of the gateway, read one at a time.
import { parseWire, StreamError } from '@uplink/core-schemas';
import { type GatewayServerFrame, GatewayServerFrameSchema } from '@uplink/core-schemas/agent-sdk';
import type { WebSocketLike } from './gateway-options.js';

/** Read one server frame: text, bounded, JSON, the frame schema. */
export function parseFrame(
  data: unknown,
  maxFrameBytes: number,
  redact: (text: string) => string = (text) => text,
): GatewayServerFrame {
  if (typeof data !== 'string') {
    throw new StreamError('The gateway sent a binary frame; only JSON text frames are defined', {
      code: 'malformed',
    });
  }
  if (data.length > maxFrameBytes) {
    throw new StreamError(`A gateway frame exceeded ${maxFrameBytes} bytes`, { code: 'oversized' });
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new StreamError(
      `The gateway sent a frame that is not JSON: "${redact(data.slice(0, 80))}"`,
      {
        code: 'malformed',
      },
    );
  }
  return parseWire(GatewayServerFrameSchema, json, 'gateway frame');
}

/** Close a socket that may already be closed or closing. */
export function safeClose(ws: WebSocketLike, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed or closing.
  }
}
