// docs/protocols/luml.md §4.2, §4.3, §5.2 and §7.1 (tasks)
import * as v from 'valibot';
import { JsonObjectSchema, TimestampSchema, UuidSchema } from './common.js';

/** Task status. `done`, not `completed`. The platform enforces no transitions between them. */
export const TaskStatusSchema = v.picklist(['pending', 'running', 'done', 'failed']);
/** Task status. */
export type TaskStatus = v.InferOutput<typeof TaskStatusSchema>;

/** Every task status, in lifecycle order. */
export const TASK_STATUSES: readonly TaskStatus[] = TaskStatusSchema.options;

/**
 * Task type. The backend creates only `deploy` and `undeploy`, but the frontend also lists
 * `pairing`; types are open strings so a runtime can fail unknown ones instead of crashing.
 */
export const TaskTypeSchema = v.union([
  v.picklist(['deploy', 'undeploy']),
  v.pipe(v.string(), v.minLength(1, 'Expected a non-empty task type')),
]) as v.GenericSchema<'deploy' | 'undeploy' | (string & {})>;
/** Task type (open string). */
export type TaskType = v.InferOutput<typeof TaskTypeSchema>;

/** Payload of `deploy` and `undeploy` tasks. Unknown keys are kept. */
export const DeploymentTaskPayloadSchema = v.looseObject({ deployment_id: UuidSchema });
/** Payload of `deploy` and `undeploy` tasks. */
export type DeploymentTaskPayload = v.InferOutput<typeof DeploymentTaskPayloadSchema>;

/** A queued task (`SatelliteQueueTask`). Unknown fields are kept. */
export const SatelliteTaskSchema = v.looseObject({
  id: UuidSchema,
  satellite_id: UuidSchema,
  orbit_id: UuidSchema,
  type: TaskTypeSchema,
  /** Validated per type by the runtime (`DeploymentTaskPayloadSchema`), so a bad payload fails one task, not the poll. */
  payload: v.optional(JsonObjectSchema, {}),
  status: TaskStatusSchema,
  scheduled_at: TimestampSchema,
  started_at: v.optional(v.nullable(TimestampSchema), null),
  finished_at: v.optional(v.nullable(TimestampSchema), null),
  result: v.optional(v.nullable(JsonObjectSchema), null),
  created_at: TimestampSchema,
  updated_at: v.optional(v.nullable(TimestampSchema), null),
});
/** A queued task. */
export type SatelliteTask = v.InferOutput<typeof SatelliteTaskSchema>;

/** Body of `POST /satellites/v1/tasks/{id}/status`. `result` replaces the stored one only when non-null. */
export const TaskStatusUpdateSchema = v.strictObject({
  status: TaskStatusSchema,
  result: v.optional(v.nullable(JsonObjectSchema)),
});
/** Body of a task status update. */
export type TaskStatusUpdate = v.InferOutput<typeof TaskStatusUpdateSchema>;
