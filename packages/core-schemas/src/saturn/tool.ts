// docs/protocols/saturn.md §2.4 (tools: create, list, test, attach, detach)
import * as v from 'valibot';
import { JsonObjectSchema } from './common.js';

/** Tool types the server accepts on create. */
export const TOOL_TYPES = ['builtin', 'http', 'workflow'] as const;

/** A tool type. */
export type ToolType = (typeof TOOL_TYPES)[number];

/** Tool statuses the server accepts on create. */
export const TOOL_STATUSES = ['active', 'disabled'] as const;

/**
 * `POST /tools` body, strict. `input_schema` must be an object schema (`{"type": "object", ...}`)
 * for the tool to be testable; the server only finds out when the tool is tested.
 */
export const ToolCreateRequestSchema = v.strictObject({
  name: v.string(),
  type: v.picklist(TOOL_TYPES, `Expected a tool type: ${TOOL_TYPES.join(', ')}`),
  description: v.string(),
  input_schema: JsonObjectSchema,
  output_schema: v.optional(v.nullable(JsonObjectSchema)),
  config: JsonObjectSchema,
  status: v.optional(
    v.picklist(TOOL_STATUSES, `Expected a tool status: ${TOOL_STATUSES.join(', ')}`),
  ),
});

/** Tool create body. */
export type ToolCreateRequest = v.InferOutput<typeof ToolCreateRequestSchema>;

/** `POST /tools` data. */
export const ToolCreatedSchema = v.looseObject({ tool_id: v.string() });

/** `POST /tools` data. */
export type ToolCreated = v.InferOutput<typeof ToolCreatedSchema>;

/** One tool in `GET /tools`. `type` and `status` are open strings. */
export const ToolSummarySchema = v.looseObject({
  tool_id: v.string(),
  name: v.string(),
  type: v.string(),
  description: v.string(),
  status: v.string(),
});

/** One listed tool. */
export type ToolSummary = v.InferOutput<typeof ToolSummarySchema>;

/** `GET /tools` data. */
export const ToolListSchema = v.looseObject({ tools: v.array(ToolSummarySchema) });

/** `GET /tools` data. */
export type ToolList = v.InferOutput<typeof ToolListSchema>;

/** `POST /tools/{id}/test` body, strict. */
export const ToolTestRequestSchema = v.strictObject({ input: JsonObjectSchema });

/** Tool test body. */
export type ToolTestRequest = v.InferOutput<typeof ToolTestRequestSchema>;

/**
 * A test result: `{status: "ok", echo: <input>}` for `http`/`builtin` tools, `{status: "queued",
 * job_id}` for `workflow` tools. `status` is an open string.
 */
export const ToolResultSchema = v.looseObject({
  status: v.string(),
  echo: v.optional(v.unknown()),
  job_id: v.optional(v.string()),
});

/** A tool test result. */
export type ToolResult = v.InferOutput<typeof ToolResultSchema>;

/** `POST /tools/{id}/test` data. */
export const ToolTestResultSchema = v.looseObject({ result: ToolResultSchema });

/** Tool test data. */
export type ToolTestResult = v.InferOutput<typeof ToolTestResultSchema>;

/** `POST /agents/{id}/tools/attach` body, strict. */
export const ToolAttachRequestSchema = v.strictObject({
  tool_id: v.string(),
  policy: v.optional(v.nullable(JsonObjectSchema)),
});

/** Attach body. */
export type ToolAttachRequest = v.InferOutput<typeof ToolAttachRequestSchema>;

/** `POST /agents/{id}/tools/detach` body, strict. */
export const ToolDetachRequestSchema = v.strictObject({ tool_id: v.string() });

/** Detach body. */
export type ToolDetachRequest = v.InferOutput<typeof ToolDetachRequestSchema>;

/** Attach and detach data: the ids that were sent. */
export const ToolAttachmentSchema = v.looseObject({
  agent_id: v.string(),
  tool_id: v.string(),
});

/** Attach and detach data. */
export type ToolAttachment = v.InferOutput<typeof ToolAttachmentSchema>;
