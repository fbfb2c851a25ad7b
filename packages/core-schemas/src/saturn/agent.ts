// docs/protocols/saturn.md §2.4 (agents: create, list, get, update, disable)
import * as v from 'valibot';
import { IntegerSchema, JsonObjectSchema } from './common.js';

/** Agent types the server accepts on create (`string_pattern_mismatch` 422 otherwise). */
export const AGENT_TYPES = ['chat', 'voice', 'task'] as const;

/** An agent type. */
export type AgentType = (typeof AGENT_TYPES)[number];

/** Agent statuses the server accepts in a request. */
export const AGENT_STATUSES = ['active', 'disabled'] as const;

/** An agent status. */
export type AgentStatus = (typeof AGENT_STATUSES)[number];

const AgentTypeSchema = v.picklist(
  AGENT_TYPES,
  `Expected an agent type: ${AGENT_TYPES.join(', ')}`,
);
const AgentStatusSchema = v.picklist(
  AGENT_STATUSES,
  `Expected an agent status: ${AGENT_STATUSES.join(', ')}`,
);
const OptionalConfig = v.optional(v.nullable(JsonObjectSchema));

/**
 * `POST /agents` body, strict: `name`, `type`, `model_config` and `behavior_config` are required;
 * unknown keys are refused (the server would drop them silently).
 */
export const AgentCreateRequestSchema = v.strictObject({
  name: v.string(),
  type: AgentTypeSchema,
  status: v.optional(AgentStatusSchema),
  model_config: JsonObjectSchema,
  behavior_config: JsonObjectSchema,
  memory_config: OptionalConfig,
  rag_config: OptionalConfig,
  tool_policy: OptionalConfig,
  channel_config: OptionalConfig,
});

/** Agent create body. */
export type AgentCreateRequest = v.InferOutput<typeof AgentCreateRequestSchema>;

/** A PATCH field: `null` is refused with a message saying why (the server ignores it). */
function patchField<T extends v.GenericSchema>(field: string, schema: T) {
  return v.optional(
    v.pipe(
      v.unknown(),
      v.check(
        (value: unknown) => value !== null,
        `${field}: null is ignored by SATURN (PATCH cannot clear a field); leave the key out`,
      ),
      schema,
    ),
  );
}

/**
 * `PATCH /agents/{id}` body, strict. `type` cannot change (the server ignores it) and `null`
 * values are refused because the server ignores them too. Every PATCH bumps `version`, even `{}`.
 */
export const AgentUpdateRequestSchema = v.strictObject({
  name: patchField('name', v.string()),
  status: patchField('status', AgentStatusSchema),
  model_config: patchField('model_config', JsonObjectSchema),
  behavior_config: patchField('behavior_config', JsonObjectSchema),
  memory_config: patchField('memory_config', JsonObjectSchema),
  rag_config: patchField('rag_config', JsonObjectSchema),
  tool_policy: patchField('tool_policy', JsonObjectSchema),
  channel_config: patchField('channel_config', JsonObjectSchema),
});

/** Agent update body. */
export type AgentUpdateRequest = v.InferOutput<typeof AgentUpdateRequestSchema>;

/**
 * One agent as `GET /agents/{id}` and the list return it. `type` and `status` are open strings;
 * the optional configs are `null` when unset.
 */
export const AgentSchema = v.looseObject({
  agent_id: v.string(),
  company_id: v.string(),
  name: v.string(),
  type: v.string(),
  status: v.string(),
  model_config: JsonObjectSchema,
  behavior_config: JsonObjectSchema,
  memory_config: v.nullish(JsonObjectSchema),
  rag_config: v.nullish(JsonObjectSchema),
  tool_policy: v.nullish(JsonObjectSchema),
  channel_config: v.nullish(JsonObjectSchema),
  version: IntegerSchema,
});

/** An agent. */
export type Agent = v.InferOutput<typeof AgentSchema>;

/** `GET /agents` data: `{agents: [...]}`. */
export const AgentListSchema = v.looseObject({ agents: v.array(AgentSchema) });

/** `GET /agents` data. */
export type AgentList = v.InferOutput<typeof AgentListSchema>;

/** Create, update and disable data: `{agent_id, version}`. */
export const AgentVersionSchema = v.looseObject({
  agent_id: v.string(),
  version: IntegerSchema,
});

/** `{agent_id, version}`. */
export type AgentVersion = v.InferOutput<typeof AgentVersionSchema>;
