// docs/protocols/llama-orch.md §6 (SSE streaming) and §16 (stream parsing, stream results).
import { StreamError, TimeoutError } from '@uplink/core-schemas';
import { SSE_EVENT_SCHEMAS, type SseTokenItem } from '@uplink/core-schemas/llama-orch';
import type { HttpClient, SSEMessage, SSEStream } from '@uplink/http';
import {
  type TaskEvent,
  toEndEvent,
  toErrorEvent,
  toStartedEvent,
  toTokenEvent,
  toTokenEvents,
} from './task-events.js';

/** A typed stream of one task's events. Iterate it once; it stops after `end` or `error`. */
export interface TaskStream extends AsyncIterable<TaskEvent> {
  /** The task id being streamed. */
  readonly taskId: string;
  /** The `X-Correlation-Id` sent with the stream request. */
  readonly correlationId: string;
  /** The HTTP response, once its headers arrived (budget headers, echoed correlation id). */
  readonly response: Promise<Response>;
  /** Close the HTTP stream. This does not cancel the task on the server; use `cancelTask`. */
  abort(reason?: unknown): void;
}

/** Everything {@link openTaskStream} needs. */
export interface OpenTaskStreamInit {
  http: HttpClient;
  path: string;
  taskId: string;
  correlationId: string;
  verbose: boolean;
  idleTimeoutMs: number | undefined;
  /** Whole-stream deadline (`totalTimeoutMs` of the SSE stream). */
  deadlineMs?: number | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Open `GET …/stream` (v2 `…/events`) and normalise its frames. The first `end` or `error`
 * ends the iteration (frames after it are ignored); a body that ends before either throws
 * `StreamError('truncated')`, or `'malformed'` when the 200 was not `text/event-stream`, or
 * `'unsupported'` when the runtime gave no body to stream.
 */
export function openTaskStream(init: OpenTaskStreamInit): TaskStream {
  const sse: SSEStream<typeof SSE_EVENT_SCHEMAS> = init.http.streamSSE(init.path, {
    events: SSE_EVENT_SCHEMAS,
    terminal: ['end', 'error'],
    unknownEvents: 'drop',
    // Upstream parsers name data that follows no `event:` line `token` (§6.6 item 5).
    defaultEvent: 'token',
    headers: { accept: 'text/event-stream', 'x-correlation-id': init.correlationId },
    ...(init.verbose ? { query: { verbose: true } } : {}),
    ...(init.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: init.idleTimeoutMs }),
    ...(init.deadlineMs === undefined ? {} : { totalTimeoutMs: init.deadlineMs }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  // Nobody may ever await it; keep a rejected response from becoming an unhandled rejection.
  sse.response.catch(() => {});

  /**
   * A hand-written iterator rather than an async generator: each event costs one promise hop
   * on top of the SSE stream's, not a generator's several (see the throughput benchmark).
   */
  function iterate(): AsyncIterator<TaskEvent> {
    const messages = sse[Symbol.asyncIterator]();
    const buffer: TaskEvent[] = [];
    let finished = false;
    const close = async (): Promise<IteratorReturnResult<undefined>> => {
      if (!finished) {
        finished = true;
        buffer.length = 0;
        await messages.return?.();
      }
      return { done: true, value: undefined };
    };
    const fill = async (): Promise<IteratorResult<TaskEvent>> => {
      try {
        while (buffer.length === 0) {
          const next = await messages.next();
          if (next.done) throw await explainTruncation(undefined);
          const message = next.value;
          // The usual frame, one token: no arrays, straight out.
          if (message.event === 'token' && !isBatch(message.data)) {
            return { done: false, value: toTokenEvent(message.data as SseTokenItem) };
          }
          for (const normalised of normaliseFrame(message)) {
            buffer.push(normalised);
            // Stop at the first terminal frame: later frames are ignored, the HTTP stream closed.
            if (normalised.type === 'end' || normalised.type === 'error') {
              finished = true;
              await messages.return?.();
              break;
            }
          }
        }
      } catch (error) {
        finished = true;
        throw await explainTruncation(error);
      }
      return { done: false, value: buffer.shift()! };
    };
    return {
      next: () => {
        if (buffer.length > 0) return Promise.resolve({ done: false, value: buffer.shift()! });
        if (finished) return Promise.resolve({ done: true, value: undefined });
        return fill();
      },
      return: close,
      throw: async (error?: unknown) => {
        await close();
        throw error;
      },
    };
  }

  /**
   * A body that ended with no terminal frame: say which task, and when the body was not an
   * event stream at all (an HTML page from a proxy, say) say that instead of "truncated".
   */
  async function explainTruncation(error: unknown): Promise<unknown> {
    if (error instanceof TimeoutError && error.timeout === 'total') {
      return new TimeoutError(
        `The stream of task ${init.taskId} did not end within its deadline of ${error.timeoutMs} ms`,
        { timeout: 'total', timeoutMs: error.timeoutMs, url: error.url, cause: error },
      );
    }
    if (error !== undefined && !(error instanceof StreamError && error.code === 'truncated')) {
      return error;
    }
    const response = await sse.response.catch(() => undefined);
    if (response && response.body === null) {
      // A runtime that cannot stream response bodies (§16, browser) hands back none.
      return new StreamError(
        `The stream of task ${init.taskId} has no readable body: this runtime cannot stream response bodies`,
        { correlationId: init.correlationId, code: 'unsupported' },
      );
    }
    const type = response?.headers.get('content-type') ?? '';
    const options = {
      correlationId: init.correlationId,
      ...(error instanceof StreamError ? { cause: error, url: error.url } : {}),
    };
    if (!/^\s*text\/event-stream/i.test(type)) {
      return new StreamError(
        `The stream of task ${init.taskId} was not an event stream: expected Content-Type text/event-stream, received ${type || 'none'}`,
        { ...options, code: 'malformed' },
      );
    }
    return new StreamError(
      `The stream of task ${init.taskId} ended before an "end" or "error" event`,
      { ...options, code: 'truncated' },
    );
  }

  return {
    taskId: init.taskId,
    correlationId: init.correlationId,
    response: sse.response,
    abort: (reason?: unknown) => sse.abort(reason),
    [Symbol.asyncIterator]: () => iterate(),
  };
}

/** A microbatched `token` payload (`{batch: [...]}`) rather than one token. */
function isBatch(data: unknown): boolean {
  return Array.isArray((data as { batch?: unknown }).batch);
}

/**
 * Turn one validated SSE message into zero or more normalised events. Unknown events were
 * dropped by the SSE stream, so the message is one of the five, its `data` typed by its name.
 */
function normaliseFrame(message: SSEMessage<typeof SSE_EVENT_SCHEMAS>): TaskEvent[] {
  switch (message.event) {
    case 'started':
      return [toStartedEvent(message.data)];
    case 'token':
      return toTokenEvents(message.data);
    case 'metrics':
      return [{ type: 'metrics', metrics: message.data }];
    case 'end':
      return [toEndEvent(message.data)];
    case 'error':
      return [toErrorEvent(message.data)];
  }
}
