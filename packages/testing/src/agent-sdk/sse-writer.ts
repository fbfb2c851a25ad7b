// docs/protocols/agent-sdk.md §1.7 and §1.8: an SSE answer is `data: <spaced json>\n\n` per
// event, no other lines, no keepalive; it ends after a terminal event or never.
import type { ServerResponse } from 'node:http';
import { contextHeaders, type ResponseContext } from './http-io.js';
import { pyIsoNow, pyJson } from './py-json.js';
import type { FakeAgentSdkState, FakeEnvelope, FakeRun } from './state.js';

/** `StreamEnvelope.to_sse()`. */
export const toSse = (event: FakeEnvelope): string => `data: ${pyJson(event, true)}\n\n`;

/** What one SSE answer may do besides writing events. */
export interface SseWriteOptions {
  /** Route key for the fault injector (`POST /run/stream`). */
  method: string;
  path: string;
  /** The run being streamed (for `midStreamDisconnect`). */
  run: FakeRun;
  /** After this many events, write the stream-failure event and end (the `except` branch). */
  failAfterEvents?: number | undefined;
  /** Text of the stream-failure event. */
  failureMessage?: string | undefined;
}

/**
 * Write the SSE headers and then every envelope `events` yields, applying the gap switches
 * (`dropSeqs`, the injector's `dropEvent`) and cuts (`midStreamDisconnect`, `cutStream`). The
 * answer ends when `events` ends; a consumer that goes away aborts `signal`.
 */
export async function writeSse(
  state: FakeAgentSdkState,
  res: ServerResponse,
  ctx: ResponseContext,
  events: AsyncIterable<FakeEnvelope>,
  options: SseWriteOptions,
): Promise<void> {
  res.writeHead(200, {
    ...contextHeaders(ctx),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const responseIndex = options.run.sseResponses++;
  const cut = state.settings.midStreamDisconnect;
  const cutAfter =
    cut && responseIndex < (cut.streams ?? 1) ? cut.afterEvents : Number.POSITIVE_INFINITY;
  let written = 0;
  // A cut after what was written so far: the socket closes once its pending bytes are out,
  // without the chunked terminator, so the client sees a body that ended early.
  const destroy = (): void => {
    options.run.cuts++;
    res.socket?.destroySoon();
  };
  for await (const event of events) {
    if (res.destroyed || res.writableEnded) return;
    if (options.failAfterEvents !== undefined && written >= options.failAfterEvents) {
      await write(res, toSse(failureEvent(event.run_id, options.failureMessage, state)));
      break;
    }
    const fault = state.faults.streamEventFault(options.method, options.path);
    if (fault === 'cutStream') return destroy();
    written++;
    if (fault === 'dropEvent') continue;
    if (event.seq !== undefined && state.settings.dropSeqs.has(event.seq)) continue;
    await write(res, toSse(event));
    if (written >= cutAfter) return destroy();
  }
  if (!res.destroyed) res.end();
}

/** The event the server writes when its stream generator raises (§1.7). */
function failureEvent(
  runId: string,
  message: string | undefined,
  state: FakeAgentSdkState,
): FakeEnvelope {
  return {
    run_id: runId,
    session_id: 'unknown',
    stream: 'lifecycle',
    event: 'error',
    payload: { error: message ?? 'Stream failure' },
    timestamp: pyIsoNow(state.settings.now),
    status: 'error',
  };
}

/** Write a chunk, waiting for `drain` when the socket pushes back (the only yield point). */
function write(res: ServerResponse, chunk: string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
