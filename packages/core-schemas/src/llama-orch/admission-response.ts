// docs/protocols/llama-orch.md §5.2 (AdmissionResponse).
import * as v from 'valibot';
import { IntegerSchema } from './enums.js';

/** Known preparation step kinds; others are kept as strings. */
export type PreparationStepKind =
  | 'engine_provision'
  | 'model_fetch'
  | 'pool_warmup'
  | (string & {});
/** Known preparation step statuses; others are kept as strings. */
export type PreparationStepStatus = 'pending' | 'running' | 'completed' | 'failed' | (string & {});

/** One preparation step announced at admission. Every field optional: servers vary. */
export const PreparationStepSchema = v.looseObject({
  id: v.optional(v.string()),
  kind: v.optional(
    v.custom<PreparationStepKind>((x) => typeof x === 'string', 'Invalid kind: expected a string'),
  ),
  group: v.optional(v.string()),
  description: v.optional(v.string()),
  estimated_ms: v.optional(IntegerSchema),
  bytes_total: v.optional(IntegerSchema),
  status: v.optional(
    v.custom<PreparationStepStatus>(
      (x) => typeof x === 'string',
      'Invalid status: expected a string',
    ),
  ),
});
/** One preparation step. */
export type PreparationStep = v.InferOutput<typeof PreparationStepSchema>;

/**
 * Stream URLs of an admitted task. The v2 server sends paths relative to the base URL,
 * upstream docs show absolute URLs; resolve both against the base URL.
 */
export const AdmissionStreamsSchema = v.looseObject({
  sse: v.optional(v.string()),
  sse_verbose: v.optional(v.string()),
});
/** Stream URLs of an admitted task. */
export type AdmissionStreams = v.InferOutput<typeof AdmissionStreamsSchema>;

/** Preparation plan of an admitted task. Use `sse_verbose` when `steps` is non-empty. */
export const PreparationSchema = v.looseObject({
  steps: v.optional(v.array(PreparationStepSchema)),
});
/** Preparation plan of an admitted task. */
export type Preparation = v.InferOutput<typeof PreparationSchema>;

/** The 202 body of `POST /v1/tasks`; `streams` and `preparation` are optional (v1 sends neither). */
export const AdmissionResponseSchema = v.looseObject({
  task_id: v.string(),
  queue_position: IntegerSchema,
  predicted_start_ms: IntegerSchema,
  backoff_ms: IntegerSchema,
  streams: v.optional(AdmissionStreamsSchema),
  preparation: v.optional(PreparationSchema),
});
/** The admission response. */
export type AdmissionResponse = v.InferOutput<typeof AdmissionResponseSchema>;
