// docs/protocols/llama-orch.md §6.3-§6.6 (SSE payloads, with the tolerated variants).
import * as v from 'valibot';
import { IntegerSchema } from './enums.js';
import { ErrorCodeSchema } from './error-envelope.js';

/** The SSE event names, exactly. */
export const SSE_EVENT_NAMES = ['started', 'token', 'metrics', 'end', 'error'] as const;
/** One SSE event name. */
export type SseEventName = (typeof SSE_EVENT_NAMES)[number];

/** `started`. Both fields are optional because adapters send `started {}` (§6.6 item 9). */
export const SseStartedSchema = v.looseObject({
  queue_position: v.optional(IntegerSchema),
  predicted_start_ms: v.optional(IntegerSchema),
});
/** The `started` payload. */
export type SseStarted = v.InferOutput<typeof SseStartedSchema>;

/** One token: text `t` at index `i`. */
export const SseTokenItemSchema = v.looseObject({
  t: v.string(),
  i: IntegerSchema,
});
/** One token. */
export type SseTokenItem = v.InferOutput<typeof SseTokenItemSchema>;

/** A microbatched `token` frame (`ORCHD_SSE_MICROBATCH=1`): flatten `batch` in order (§6.6 item 4). */
export const SseTokenBatchSchema = v.looseObject({
  batch: v.array(SseTokenItemSchema),
});
/** A microbatched `token` payload. */
export type SseTokenBatch = v.InferOutput<typeof SseTokenBatchSchema>;

/**
 * `token`: one token `{t, i}` or a microbatch `{batch: [{t, i}, ...]}`. The variant is picked
 * by the presence of `batch` rather than tried in turn, so a bad frame reports the field that
 * is wrong (`at "t" expected string`) instead of a union mismatch that names neither variant.
 */
export const SseTokenSchema = v.lazy(
  (input): typeof SseTokenItemSchema | typeof SseTokenBatchSchema =>
    typeof input === 'object' && input !== null && 'batch' in input
      ? SseTokenBatchSchema
      : SseTokenItemSchema,
);
/** The `token` payload. */
export type SseToken = v.InferOutput<typeof SseTokenSchema>;

/** Progress of one preparation step inside `metrics.prep` (all optional). */
export const PrepProgressSchema = v.looseObject({
  status: v.optional(v.string()),
  bytes_total: v.optional(IntegerSchema),
  bytes_done: v.optional(IntegerSchema),
  pct: v.optional(v.number()),
  phase: v.optional(v.string()),
  human: v.optional(v.string()),
});
/** Progress of one preparation step. */
export type PrepProgress = v.InferOutput<typeof PrepProgressSchema>;

/** `metrics`: every field optional, unknown fields kept (`additionalProperties: true`). */
export const SseMetricsSchema = v.looseObject({
  on_time_probability: v.optional(v.number()),
  queue_depth: v.optional(IntegerSchema),
  kv_warmth: v.optional(v.boolean()),
  tokens_budget_remaining: v.optional(IntegerSchema),
  time_budget_remaining_ms: v.optional(IntegerSchema),
  cost_budget_remaining: v.optional(v.number()),
  prep: v.optional(v.record(v.string(), PrepProgressSchema)),
  human: v.optional(v.string()),
  phase: v.optional(v.string()),
});
/** The `metrics` payload. */
export type SseMetrics = v.InferOutput<typeof SseMetricsSchema>;

/**
 * `end`. Every field is optional: the server sends `decode_time_ms` instead of `decode_ms`
 * (§6.6 item 1), a wrong `tokens_out` (item 2), and the adapter path `{canceled: true}` or
 * `{}` (item 6). Any `end` is terminal.
 */
export const SseEndSchema = v.looseObject({
  tokens_out: v.optional(IntegerSchema),
  decode_ms: v.optional(IntegerSchema),
  decode_time_ms: v.optional(IntegerSchema),
  canceled: v.optional(v.boolean()),
});
/** The `end` payload. */
export type SseEnd = v.InferOutput<typeof SseEndSchema>;

/**
 * `error`. `code` and `message` may be missing (adapter failure sends only `message`), codes
 * may be CamelCase or unknown (kept raw), and the spec adds `retriable` and `retry_after_ms`.
 */
export const SseErrorSchema = v.looseObject({
  code: v.optional(ErrorCodeSchema),
  message: v.optional(v.string()),
  engine: v.optional(v.string()),
  retriable: v.optional(v.boolean()),
  retry_after_ms: v.optional(IntegerSchema),
});
/** The `error` payload. */
export type SseError = v.InferOutput<typeof SseErrorSchema>;

/** Event name -> payload schema, ready for `streamSSE({ events })`. */
export const SSE_EVENT_SCHEMAS = {
  started: SseStartedSchema,
  token: SseTokenSchema,
  metrics: SseMetricsSchema,
  end: SseEndSchema,
  error: SseErrorSchema,
} as const;

/** Terminal event names: the first of these ends a stream; later frames are ignored. */
export const SSE_TERMINAL_EVENTS: readonly SseEventName[] = ['end', 'error'];
