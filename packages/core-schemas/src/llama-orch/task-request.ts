// docs/protocols/llama-orch.md §5.1 (TaskRequest).
import * as v from 'valibot';
import {
  DeterminismSchema,
  EngineSchema,
  IntegerSchema,
  KvHintSchema,
  PlacementModeSchema,
  PrioritySchema,
  WorkloadSchema,
} from './enums.js';

/** Placement hints of a task (request body, strict). */
export const PlacementSchema = v.strictObject({
  mode: v.optional(PlacementModeSchema),
  pin_pool_id: v.optional(v.string()),
  prefer_pools: v.optional(v.array(v.string())),
  avoid_pools: v.optional(v.array(v.string())),
  require_device_mask: v.optional(v.string()),
  allow_fallback: v.optional(v.boolean()),
});
/** Placement hints. */
export type Placement = v.InferOutput<typeof PlacementSchema>;

/**
 * The body of `POST /v1/tasks` (v2 `POST /v2/tasks`). Nine fields are required: `task_id`,
 * `session_id`, `workload`, `model_ref`, `engine`, `ctx`, `priority`, `max_tokens`,
 * `deadline_ms`. Ids are not checked as UUIDs, because the server does not check them and
 * upstream tests use ids like `"t-0"`. Numbers are not range-checked, so the server's
 * sentinels (`ctx < 0`, `deadline_ms <= 0`) can be exercised. Strict: unknown keys (such as
 * the spec-only `output_mode`) are rejected.
 */
export const TaskRequestSchema = v.strictObject({
  task_id: v.string(),
  session_id: v.string(),
  workload: WorkloadSchema,
  model_ref: v.string(),
  engine: EngineSchema,
  ctx: IntegerSchema,
  priority: PrioritySchema,
  seed: v.optional(IntegerSchema),
  determinism: v.optional(DeterminismSchema),
  sampler_profile_version: v.optional(v.string()),
  prompt: v.optional(v.string()),
  inputs: v.optional(v.array(v.string())),
  max_tokens: IntegerSchema,
  deadline_ms: IntegerSchema,
  expected_tokens: v.optional(IntegerSchema),
  kv_hint: v.optional(KvHintSchema),
  placement: v.optional(PlacementSchema),
});
/** A task request (wire body). */
export type TaskRequest = v.InferOutput<typeof TaskRequestSchema>;
