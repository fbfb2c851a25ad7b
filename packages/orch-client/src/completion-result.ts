// docs/protocols/llama-orch.md §14 (the joined result of a completion) and §6.3 (error frames).
import {
  AbortError,
  redactText,
  redactValue,
  StreamError,
  UplinkError,
} from '@uplink/core-schemas';
import type { SseMetrics } from '@uplink/core-schemas/llama-orch';
import type { EnqueueResult } from './enqueue-result.js';
import type {
  TaskEndEvent,
  TaskErrorEvent,
  TaskMetricsEvent,
  TaskStartedEvent,
  TaskTokenEvent,
} from './task-events.js';

/** `started`, with the ids of the task it belongs to. */
export interface CompletionStartedChunk extends TaskStartedEvent {
  /** The task id (generated when the request had none). */
  taskId: string;
  /** The correlation id used for the enqueue, the stream and any cancel. */
  correlationId: string;
}

/** One chunk of a {@link CompletionStream}: `started`, then tokens in `i` order with `metrics` between. */
export type CompletionChunk = CompletionStartedChunk | TaskTokenEvent | TaskMetricsEvent;

/** The joined result of a completion. */
export interface CompletionResult {
  /**
   * All token texts joined in `i` order. Kept when `finalResult()` alone consumed the stream
   * or with `keepText: true`; otherwise reading it throws (the chunks already carried them).
   */
  text: string;
  /** The token texts in `i` order, duplicates dropped. Kept as `text` is. */
  tokens: string[];
  /** Tokens counted by the client (trust this, not the server's `tokens_out`). */
  tokensOut: number;
  /** `tokens_out` as the server reported it, when it did. */
  reportedTokensOut: number | undefined;
  /** Decode time from `end` (`decode_ms` or `decode_time_ms`), when sent. */
  decodeMs: number | undefined;
  /** The last `metrics` frame, when any arrived. */
  metrics: SseMetrics | undefined;
  /** The correlation id of the enqueue, the stream and any cancel. */
  correlationId: string;
  /** The task id. */
  taskId: string;
  /** The session id. */
  sessionId: string;
  /** True when the server ended the stream with `end {"canceled": true}`. */
  canceled: boolean;
  /** The admission (enqueue) result, with its budget headers. */
  enqueue: EnqueueResult;
}

/**
 * Join a finished completion's tokens (strict `i` order) with what its frames reported.
 * `tokens` is `undefined` when the text was not kept: `text` and `tokens` are then getters that
 * throw a {@link UplinkError} saying how to keep them, never a silently empty text.
 */
export function buildResult(
  stream: { readonly taskId: string; readonly correlationId: string },
  tokens: TaskTokenEvent[] | undefined,
  tokensOut: number,
  metrics: SseMetrics | undefined,
  end: TaskEndEvent | undefined,
  enqueue: EnqueueResult,
): CompletionResult {
  // Stryker disable OptionalChaining,BooleanLiteral: a run resolves only after its `end` frame (an `error` frame or a body without one fails it), so `end` is always there
  const summary = {
    tokensOut,
    reportedTokensOut: end?.tokensOut,
    decodeMs: end?.decodeMs,
    metrics,
    correlationId: stream.correlationId,
    taskId: stream.taskId,
    sessionId: enqueue.sessionId,
    canceled: end?.canceled ?? false,
    enqueue,
  };
  // Stryker restore OptionalChaining,BooleanLiteral
  if (!tokens) {
    const notKept = (): never => {
      throw new UplinkError(
        `The text of completion ${stream.taskId} was not kept: its chunks were consumed as they arrived. Pass { keepText: true } to streamCompletion to keep it for finalResult().`,
      );
    };
    return Object.defineProperties(summary, {
      text: { get: notKept, enumerable: false },
      tokens: { get: notKept, enumerable: false },
    }) as CompletionResult;
  }
  // Chunks leave as soon as they can; a token that arrived after its gap was given up on
  // (see TokenOrderer) left late, so the joined result re-sorts to keep strict `i` order. The
  // list is the finished run's own; sorting it in place costs one pass when it is in order.
  const texts = tokens.sort((a, b) => a.index - b.index).map((t) => t.text);
  return { text: texts.join(''), tokens: texts, ...summary };
}

/** The `StreamError` for a server `error` frame, with the client's credentials scrubbed. */
export function streamErrorFrom(
  event: TaskErrorEvent,
  taskId: string,
  correlationId: string,
  // Stryker disable next-line ArrayDeclaration: the default is "no known secrets"; a non-empty default only matches text that contains it
  secrets: Iterable<string> = [],
): StreamError {
  // The frame's text is the server's: it may echo a credential, which must not reach an error.
  const list = [...secrets];
  const message = redactText(
    `Task ${taskId} failed on the server: ${event.code}: ${event.message}`,
    list,
  );
  return new StreamError(message, {
    code: event.code,
    retriable: event.retriable,
    event: 'error',
    correlationId,
    data: redactValue(event.data, list),
  });
}

/** The `AbortError` a completion fails with once aborted, keeping the reason's message. */
export function abortError(reason: unknown, cause?: unknown): AbortError {
  const message =
    reason instanceof Error && reason.message ? reason.message : 'The completion was aborted';
  return new AbortError(message, { cause: cause ?? reason });
}
