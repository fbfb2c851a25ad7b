// docs/protocols/llama-orch.md §6.3 (payloads) and §6.6 (divergences the client must tolerate).
import {
  ERROR_KINDS,
  isErrorKind,
  normalizeErrorCode,
  type SseEnd,
  type SseError,
  type SseMetrics,
  type SseStarted,
  type SseToken,
  type SseTokenBatch,
  type SseTokenItem,
} from '@uplink/core-schemas/llama-orch';

/** Code given to an `error` frame that carried none (the adapter path sends only a message). */
export const UNKNOWN_STREAM_ERROR_CODE = 'UNKNOWN_STREAM_ERROR';

/** `started`: the task left the queue. `started {}` gives zeros. */
export interface TaskStartedEvent {
  type: 'started';
  /** Queue position at start (0 when the server sent none). */
  queuePosition: number;
  /** Predicted start delay in milliseconds (0 when the server sent none). */
  predictedStartMs: number;
}

/** One token. Microbatched frames are flattened into one event per token. */
export interface TaskTokenEvent {
  type: 'token';
  /** Token text (`t`). */
  text: string;
  /** Token index (`i`), counting up from 0. */
  index: number;
}

/** A `metrics` frame, kept in its wire form (unknown fields included). */
export interface TaskMetricsEvent {
  type: 'metrics';
  /** The wire payload. */
  metrics: SseMetrics;
}

/** `end`: the terminal success frame. Every field is optional on the wire. */
export interface TaskEndEvent {
  type: 'end';
  /** `tokens_out` as the server reported it (upstream sends a wrong value; count tokens instead). */
  tokensOut: number | undefined;
  /** `decode_ms`, or `decode_time_ms` when the server sent that instead. */
  decodeMs: number | undefined;
  /** True for `end {"canceled": true}`. */
  canceled: boolean;
}

/** `error`: the terminal failure frame. */
export interface TaskErrorEvent {
  type: 'error';
  /**
   * SCREAMING_SNAKE error code (CamelCase converted, numbers as strings, unknown codes kept),
   * or {@link UNKNOWN_STREAM_ERROR_CODE} when the frame had none.
   */
  code: string;
  /** The server's message, or a description when it sent none. */
  message: string;
  /** From the frame, else from the code's registry entry, else `undefined`. */
  retriable: boolean | undefined;
  /** `retry_after_ms` from the frame. */
  retryAfterMs: number | undefined;
  /** `engine` from the frame. */
  engine: string | undefined;
  /** The wire payload. */
  data: SseError;
}

/** A normalised task stream event. */
export type TaskEvent =
  | TaskStartedEvent
  | TaskTokenEvent
  | TaskMetricsEvent
  | TaskEndEvent
  | TaskErrorEvent;

/** Normalise a `started` payload. */
export function toStartedEvent(data: SseStarted): TaskStartedEvent {
  return {
    type: 'started',
    queuePosition: data.queue_position ?? 0,
    predictedStartMs: data.predicted_start_ms ?? 0,
  };
}

/** Normalise a `token` payload; a microbatch `{batch: [...]}` becomes one event per token, in order. */
export function toTokenEvents(data: SseToken): TaskTokenEvent[] {
  const batch = (data as Partial<SseTokenBatch>).batch;
  const items: SseTokenItem[] = Array.isArray(batch) ? batch : [data as SseTokenItem];
  return items.map(toTokenEvent);
}

/** Normalise one token item. */
export function toTokenEvent(item: SseTokenItem): TaskTokenEvent {
  return { type: 'token', text: item.t, index: item.i };
}

/** Normalise an `end` payload (`decode_time_ms` becomes `decodeMs`). */
export function toEndEvent(data: SseEnd): TaskEndEvent {
  return {
    type: 'end',
    tokensOut: data.tokens_out,
    decodeMs: data.decode_ms ?? data.decode_time_ms,
    canceled: data.canceled === true,
  };
}

/** Normalise an `error` payload: give it a code, a message and a retriable flag where known. */
export function toErrorEvent(data: SseError): TaskErrorEvent {
  const code = normalizeErrorCode(data.code) ?? UNKNOWN_STREAM_ERROR_CODE;
  const retriable = data.retriable ?? (isErrorKind(code) ? ERROR_KINDS[code].retriable : undefined);
  return {
    type: 'error',
    code,
    message: data.message ?? `the server sent an error event with code ${code} and no message`,
    retriable,
    retryAfterMs: data.retry_after_ms,
    engine: data.engine,
    data,
  };
}
