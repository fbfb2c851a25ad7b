// docs/protocols/agent-sdk.md §1.10 and §1.12: the gateway handshake. The client sends `auth`
// once the socket opens, and the first frame the server sends decides: an `ack` to that frame
// authenticates; anything else (an error, garbage, a close) fails the connection, and a later
// ack is never trusted.
import {
  AbortError,
  ConnectionError,
  parseWire,
  redactText,
  redactUrl,
  TimeoutError,
} from '@uplink/core-schemas';
import { GatewayErrorPayloadSchema } from '@uplink/core-schemas/agent-sdk';
import { randomUuid } from '@uplink/http';
import { GatewayError } from './gateway-error.js';
import { parseFrame, safeClose } from './gateway-frame.js';
import type { ResolvedGatewayOptions, WebSocketLike } from './gateway-options.js';

/**
 * Open a WebSocket to the gateway and authenticate with `apiKey`, within `connectTimeoutMs`.
 * Resolves with the socket once the server acknowledged `auth`; rejects with `GatewayError`
 * (refused), `ConnectionError` (failed or closed first), `TimeoutError` or `AbortError`, the
 * socket closed.
 */
export async function authenticate(
  options: ResolvedGatewayOptions,
  apiKey: string,
  signal: AbortSignal,
): Promise<WebSocketLike> {
  const url = redactUrl(options.url);
  const host = new URL(options.url).host;
  let ws: WebSocketLike;
  try {
    ws = new options.WebSocket(options.url, options.protocols);
  } catch (error) {
    throw new ConnectionError(
      `Could not open a WebSocket to ${host}: ${(error as Error).message}`,
      { url, cause: error },
    );
  }
  ws.binaryType = 'arraybuffer';
  const requestId = randomUuid();
  const redact = (text: string): string => redactText(text, [apiKey]);
  let settle: { resolve(): void; reject(error: unknown): void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const timer = setTimeout(
    () =>
      settle?.reject(
        new TimeoutError(
          `The gateway at ${host} did not open and authenticate within ${options.connectTimeoutMs} ms`,
          {
            timeout: 'attempt',
            timeoutMs: options.connectTimeoutMs,
            url,
          },
        ),
      ),
    options.connectTimeoutMs,
  );
  const onOpen = (): void => {
    const frame = {
      type: 'auth',
      request_id: requestId,
      timestamp: new Date().toISOString(),
      payload: {
        api_key: apiKey,
        ...(options.clientId === undefined ? {} : { client_id: options.clientId }),
      },
    };
    ws.send(JSON.stringify(frame));
  };
  const onFirst = (event: { data: unknown }): void => {
    try {
      const frame = parseFrame(event.data, options.maxFrameBytes, redact);
      if (frame.type === 'ack' && frame.request_id === requestId && frame.payload.status === 'ok') {
        settle?.resolve();
        return;
      }
      if (frame.type === 'error') {
        const payload = parseWire(GatewayErrorPayloadSchema, frame.payload, 'gateway error frame');
        settle?.reject(
          new GatewayError(
            `The gateway refused authentication: ${payload.code} ${redact(payload.message)}`,
            {
              code: payload.code,
              requestId: frame.request_id ?? undefined,
              frameType: 'auth',
            },
          ),
        );
        return;
      }
      settle?.reject(
        new GatewayError(
          `The gateway answered the auth frame with "${frame.type}" instead of an ack`,
          {
            code: 'AUTH_FAILED',
            frameType: 'auth',
          },
        ),
      );
    } catch (error) {
      settle?.reject(error);
    }
  };
  const onError = (): void =>
    settle?.reject(
      new ConnectionError(
        `The WebSocket to ${host} failed before it was authenticated (a server without WebSocket support answers the upgrade with 404)`,
        { url },
      ),
    );
  const onClose = (event: { code?: number }): void =>
    settle?.reject(
      new ConnectionError(
        `The WebSocket to ${host} closed before it was authenticated (code ${event.code ?? 'unknown'})`,
        { url },
      ),
    );
  const onAbort = (): void =>
    settle?.reject(
      new AbortError('Connecting to the gateway was aborted', { url, cause: signal.reason }),
    );
  ws.addEventListener('open', onOpen);
  ws.addEventListener('message', onFirst);
  ws.addEventListener('error', onError);
  ws.addEventListener('close', onClose);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    await done;
  } catch (error) {
    // Never trust a later ack: a failed handshake ends this socket for good.
    safeClose(ws, 1000, 'auth failed');
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    ws.removeEventListener('open', onOpen);
    ws.removeEventListener('message', onFirst);
    ws.removeEventListener('error', onError);
    ws.removeEventListener('close', onClose);
  }
  return ws;
}
