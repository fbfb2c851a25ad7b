// docs/protocols/agent-sdk.md §1.4-§1.6, §1.9 and §1.12. Responses keep unknown fields.
import * as v from 'valibot';
import { JsonObjectSchema, RunStatusSchema, StringMapSchema } from './common.js';
import { type MessageRole, StreamEnvelopeSchema } from './stream-envelope.js';

/**
 * One agent message in a `POST /run` or channel answer: `{id, role, content, metadata}`.
 * `role` is `agent` on the real server and `assistant` in the reference; both (and any other
 * string) are accepted.
 */
export const AgentMessageSchema = v.looseObject({
  id: v.string(),
  role: v.pipe(
    v.string(),
    v.transform((role): MessageRole => role),
  ),
  content: v.string(),
  metadata: v.optional(JsonObjectSchema, {}),
});

/** One agent message. */
export type AgentMessage = v.InferOutput<typeof AgentMessageSchema>;

/** `{run_id, session_id, messages}`: `TaskResponse.result` and the channel webhook's answer. */
export const RunResultSchema = v.looseObject({
  run_id: v.string(),
  session_id: v.string(),
  messages: v.array(AgentMessageSchema),
});

/** A finished run's ids and messages. */
export type RunResult = v.InferOutput<typeof RunResultSchema>;

/** `TaskResponse.status` values (§1.5); this route only ever answers `success`. */
export const TASK_RESPONSE_STATUSES = ['success', 'error', 'pending'] as const;

/**
 * `POST /run` answer (§1.5). `execution_time_ms` is `0` in the reference and `0.0` on the real
 * server: any number is accepted. Failures arrive as HTTP errors, not as `status: "error"`.
 */
export const TaskResponseSchema = v.looseObject({
  status: v.pipe(
    v.string(),
    v.transform((status): (typeof TASK_RESPONSE_STATUSES)[number] | (string & {}) => status),
  ),
  result: v.nullish(RunResultSchema),
  error: v.nullish(v.string()),
  execution_time_ms: v.optional(v.number()),
});

/** `POST /run` answer. */
export type TaskResponse = v.InferOutput<typeof TaskResponseSchema>;

/**
 * `GET /run/{run_id}` (§1.6). `model` is `null` for channel and gateway runs; `started_at` and
 * `ended_at` stay `null` on the real server; a streamed run's `org_id` becomes `"default"` when
 * it ends.
 */
export const RunMetadataSchema = v.looseObject({
  run_id: v.string(),
  session_id: v.string(),
  agent_id: v.string(),
  org_id: v.string(),
  status: RunStatusSchema,
  model: v.nullish(v.string()),
  created_at: v.string(),
  started_at: v.nullish(v.string()),
  ended_at: v.nullish(v.string()),
  tags: v.optional(StringMapSchema, {}),
  metadata: v.optional(JsonObjectSchema, {}),
});

/** A run record. */
export type RunMetadata = v.InferOutput<typeof RunMetadataSchema>;

/** `GET /sessions/{session_id}` and one item of `GET /sessions` (§1.6). */
export const SessionMetadataSchema = v.looseObject({
  session_id: v.string(),
  org_id: v.string(),
  user_id: v.nullish(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
  tags: v.optional(StringMapSchema, {}),
  metadata: v.optional(JsonObjectSchema, {}),
});

/** A session record. */
export type SessionMetadata = v.InferOutput<typeof SessionMetadataSchema>;

/** `GET /sessions`: newest first, `limit` applied before the org filter (§1.6). */
export const SessionListSchema = v.array(SessionMetadataSchema);

/** `GET /sessions` answer. */
export type SessionList = v.InferOutput<typeof SessionListSchema>;

/** `POST /channels/webhook` answer (§1.4): synchronous, like `TaskResponse.result`. */
export const ChannelWebhookResponseSchema = RunResultSchema;

/** `POST /channels/webhook` answer. */
export type ChannelWebhookResponse = RunResult;

/** `POST /devices/register` answer: `dev_<16 hex>` and a 6-hex pairing code (§1.12). */
export const DeviceRegisterResponseSchema = v.looseObject({
  device_id: v.string(),
  pairing_code: v.string(),
  created_at: v.string(),
});

/** `POST /devices/register` answer. */
export type DeviceRegisterResponse = v.InferOutput<typeof DeviceRegisterResponseSchema>;

/** `POST /devices/pair` answer: `{status: "paired", device_id, agent_id}`. */
export const DevicePairResponseSchema = v.looseObject({
  status: v.string(),
  device_id: v.string(),
  agent_id: v.string(),
});

/** `POST /devices/pair` answer. */
export type DevicePairResponse = v.InferOutput<typeof DevicePairResponseSchema>;

/**
 * `GET /run/{run_id}/events/replay` (§1.9): JSON, not SSE. Events with `seq >= from_seq` (and
 * every event without `seq`), then `limit`. No "more" flag: page until `count < limit`.
 */
export const ReplayEventsResponseSchema = v.looseObject({
  events: v.array(StreamEnvelopeSchema),
  count: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

/** A replay page. */
export type ReplayEventsResponse = v.InferOutput<typeof ReplayEventsResponseSchema>;
