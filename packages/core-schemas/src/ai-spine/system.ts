// docs/protocols/ai-spine.md §2 (current user) and §4.9-4.11 (health, metrics, status)
import * as v from 'valibot';
import { TimestampSchema } from './common.js';

/** `GET /health` (§4.9). `timestamp` is epoch seconds (float). */
export const HealthSchema = v.looseObject({
  status: v.string(),
  timestamp: v.number(),
  message: v.optional(v.string()),
  startup_complete: v.optional(v.boolean()),
});

/** Health body. */
export type Health = v.InferOutput<typeof HealthSchema>;

/**
 * `GET /metrics` (§4.10). `cancelled_executions` and `running_executions` are never computed
 * (always 0; read as 0 when absent); the two time fields are placeholders.
 */
export const MetricsSchema = v.looseObject({
  total_executions: v.number(),
  successful_executions: v.number(),
  failed_executions: v.number(),
  cancelled_executions: v.optional(v.number(), 0),
  running_executions: v.optional(v.number(), 0),
  average_execution_time: v.number(),
  total_execution_time: v.number(),
  last_execution: v.nullish(TimestampSchema),
});

/** Metrics body. */
export type Metrics = v.InferOutput<typeof MetricsSchema>;

/** `GET /status` (§4.11). */
export const StatusSchema = v.looseObject({
  status: v.string(),
  components: v.record(v.string(), v.string()),
  agents: v.looseObject({ total: v.number(), active: v.number() }),
  flows: v.looseObject({ total: v.number() }),
});

/** Status body. */
export type Status = v.InferOutput<typeof StatusSchema>;

/** `GET /api/v1/users/me` (§2). */
export const UserSchema = v.looseObject({
  id: v.string(),
  email: v.string(),
  name: v.string(),
  organization: v.nullish(v.string()),
  credits: v.number(),
  rate_limit: v.number(),
});

/** The current user. */
export type User = v.InferOutput<typeof UserSchema>;
