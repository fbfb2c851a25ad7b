// docs/protocols/ai-spine.md §4.1-4.3, §4.12 and §5 (executions)
import * as v from 'valibot';
import {
  ExecutionIdSchema,
  JsonObjectSchema,
  MessageResponseSchema,
  TimestampSchema,
} from './common.js';

/** The statuses the backend uses today (§5.1). */
export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
] as const;

/** A status the backend is known to send. */
export type KnownExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * An execution status. Unknown strings are kept (tolerant reader), so the type is the known
 * names plus any string.
 */
export type ExecutionStatus = KnownExecutionStatus | (string & {});

/** Terminal statuses (§5.1). `cancelled` is terminal but not final (§5.2). */
export const TERMINAL_EXECUTION_STATUSES: readonly KnownExecutionStatus[] = [
  'completed',
  'failed',
  'cancelled',
];

/** Whether `status` is terminal (`completed`, `failed` or `cancelled`). */
export function isTerminalExecutionStatus(status: string): boolean {
  return (TERMINAL_EXECUTION_STATUSES as readonly string[]).includes(status);
}

/** Whether `status` is one the backend is known to send. */
export function isKnownExecutionStatus(status: string): status is KnownExecutionStatus {
  return (EXECUTION_STATUSES as readonly string[]).includes(status);
}

/** An execution status: any string, typed as the known names plus any string. */
export const ExecutionStatusSchema = v.pipe(
  v.string('Expected an execution status string'),
  v.transform((status): ExecutionStatus => status),
);

/**
 * `POST /api/v1/flows/execute` body (§4.1), strict. `priority` and `timeout` are stored by the
 * server and never enforced.
 */
export const ExecutionRequestSchema = v.strictObject({
  flow_id: v.pipe(v.string(), v.minLength(1, 'Expected a non-empty flow_id')),
  input_data: JsonObjectSchema,
  metadata: v.optional(JsonObjectSchema),
  user_id: v.optional(v.nullable(v.string())),
  priority: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10))),
  timeout: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)))),
});

/** Execute request body. */
export type ExecutionRequest = v.InferOutput<typeof ExecutionRequestSchema>;

/**
 * Execute response (§4.1), always HTTP 200. An unknown flow gives `status: "failed"`, the
 * zero UUID and an `error` string instead of a 404.
 */
export const ExecutionResponseSchema = v.looseObject({
  execution_id: ExecutionIdSchema,
  status: ExecutionStatusSchema,
  result: v.optional(v.unknown()),
  error: v.nullish(v.string()),
  execution_time: v.nullish(v.number()),
});

/** Execute response. */
export type ExecutionResponse = v.InferOutput<typeof ExecutionResponseSchema>;

/**
 * `GET /api/v1/executions/{id}` (§4.2). `output_data` is `{}` until completion, then keyed by
 * exit node id; a null is read as `{}`. `error_message` and `completed_at` are unreliable on
 * terminal states: rely on `status`.
 */
export const ExecutionContextSchema = v.looseObject({
  execution_id: ExecutionIdSchema,
  flow_id: v.string(),
  status: ExecutionStatusSchema,
  input_data: JsonObjectSchema,
  output_data: v.pipe(
    v.nullish(JsonObjectSchema),
    v.transform((value) => value ?? {}),
  ),
  error_message: v.nullish(v.string()),
  created_at: TimestampSchema,
  updated_at: v.nullish(TimestampSchema),
  completed_at: v.nullish(TimestampSchema),
});

/** One execution as returned by get/list. */
export type ExecutionContext = v.InferOutput<typeof ExecutionContextSchema>;

/**
 * `GET /api/v1/executions` (`{executions, count, limit, offset}`) or root `GET /executions`
 * (`{executions, count, flow_id}`), §4.12.
 */
export const ExecutionListSchema = v.looseObject({
  executions: v.array(ExecutionContextSchema),
  count: v.optional(v.number()),
  limit: v.optional(v.number()),
  offset: v.optional(v.number()),
  flow_id: v.nullish(v.string()),
});

/** A list of executions. */
export type ExecutionList = v.InferOutput<typeof ExecutionListSchema>;

/** One node's record in `GET .../executions/{id}/results` (§4.12). */
export const NodeResultSchema = v.looseObject({
  id: v.string(),
  execution_id: ExecutionIdSchema,
  node_id: v.string(),
  agent_id: v.nullish(v.string()),
  status: ExecutionStatusSchema,
  input_data: v.nullish(JsonObjectSchema),
  output_data: v.nullish(JsonObjectSchema),
  error_message: v.nullish(v.string()),
  execution_time_ms: v.nullish(v.number()),
  created_at: v.nullish(TimestampSchema),
  updated_at: v.nullish(TimestampSchema),
  completed_at: v.nullish(TimestampSchema),
});

/** One node result. */
export type NodeResult = v.InferOutput<typeof NodeResultSchema>;

/**
 * Node results (§4.12): `/api/v1` sends `{execution, node_results}`, root sends
 * `{execution_id, node_results, count}`.
 */
export const ExecutionResultsSchema = v.looseObject({
  execution: v.optional(ExecutionContextSchema),
  execution_id: v.optional(ExecutionIdSchema),
  node_results: v.array(NodeResultSchema),
  count: v.optional(v.number()),
});

/** Node results of one execution. */
export type ExecutionResults = v.InferOutput<typeof ExecutionResultsSchema>;

/** Cancel success body (§4.3): `{"message": "Execution cancelled successfully"}`. */
export const CancelExecutionResponseSchema = MessageResponseSchema;

/** Cancel success body. */
export type CancelExecutionResponse = v.InferOutput<typeof CancelExecutionResponseSchema>;
