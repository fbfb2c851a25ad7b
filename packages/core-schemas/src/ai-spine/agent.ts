// docs/protocols/ai-spine.md §4.6-4.8, §7 (agent model) and §8 (agent wire)
import * as v from 'valibot';
import { JsonObjectSchema, SpineIdSchema, TimestampSchema } from './common.js';

/** Agent types the backend accepts (§7); anything else gives a 500 on create. */
export const AGENT_TYPES = ['input', 'processor', 'output', 'conditional'] as const;

/** An agent type. */
export type AgentType = (typeof AGENT_TYPES)[number];

/**
 * The capability allow-list (§7). Other strings are accepted on create but the agent is
 * silently dropped on the next server restart, so clients must enforce this list.
 */
export const AGENT_CAPABILITIES = [
  'conversation',
  'information_gathering',
  'credit_analysis',
  'risk_assessment',
  'document_processing',
  'decision_making',
] as const;

/** An allowed agent capability. */
export type AgentCapability = (typeof AGENT_CAPABILITIES)[number];

/** An agent type (`input | processor | output | conditional`). */
export const AgentTypeSchema = v.picklist(
  AGENT_TYPES,
  `Expected an agent type: ${AGENT_TYPES.join(', ')}`,
);

/** An allowed agent capability. */
export const AgentCapabilitySchema = v.picklist(
  AGENT_CAPABILITIES,
  `Expected a capability from the allow-list: ${AGENT_CAPABILITIES.join(', ')}`,
);

/**
 * A registered agent (§7). Responses keep unknown capability strings (the server accepts
 * them on create). There are no `status` or `last_seen` fields.
 */
export const AgentInfoSchema = v.looseObject({
  agent_id: v.string(),
  name: v.string(),
  description: v.string(),
  endpoint: v.string(),
  capabilities: v.array(v.string()),
  agent_type: AgentTypeSchema,
  is_active: v.optional(v.boolean(), true),
  created_at: v.nullish(TimestampSchema),
  updated_at: v.nullish(TimestampSchema),
});

/** A registered agent. */
export type AgentInfo = v.InferOutput<typeof AgentInfoSchema>;

/**
 * `POST /api/v1/agents` body (§4.7), strict and stricter than the server: the six keys are
 * required, `agent_type` and `capabilities` must be on the allow-lists, ids use
 * `[a-zA-Z0-9_-]{1,100}`, and `endpoint` is an absolute http(s) URL without a trailing slash
 * (the server concatenates `/execute`).
 */
export const AgentCreateRequestSchema = v.strictObject({
  agent_id: SpineIdSchema,
  name: v.pipe(v.string(), v.minLength(1, 'Expected a non-empty name')),
  description: v.string(),
  endpoint: v.pipe(
    v.string(),
    v.url('Expected an absolute URL'),
    v.regex(/^https?:\/\//i, 'Expected an http or https URL'),
    v.check((url) => !url.endsWith('/'), 'Expected an endpoint without a trailing slash'),
  ),
  capabilities: v.array(AgentCapabilitySchema),
  agent_type: AgentTypeSchema,
  is_active: v.optional(v.boolean()),
});

/** Agent create body. */
export type AgentCreateRequest = v.InferOutput<typeof AgentCreateRequestSchema>;

/**
 * `GET /api/v1/agents` (`{agents, count, authenticated}`) or root `/agents`
 * (`{agents, count}`), §4.6.
 */
export const AgentListSchema = v.looseObject({
  agents: v.array(AgentInfoSchema),
  count: v.optional(v.number()),
  authenticated: v.optional(v.boolean()),
});

/** An agent list wrapper. */
export type AgentList = v.InferOutput<typeof AgentListSchema>;

/** The body the server POSTs to `{endpoint}/execute` for each node (§8), strict. */
export const AgentExecuteRequestSchema = v.strictObject({
  execution_id: v.string(),
  node_id: v.string(),
  input: JsonObjectSchema,
  config: JsonObjectSchema,
});

/** What an agent receives. */
export type AgentExecuteRequest = v.InferOutput<typeof AgentExecuteRequestSchema>;

/**
 * An agent's answer (§8). Only `output` is read (`{}` when absent); `status` and
 * `error_message` are ignored by the server.
 */
export const AgentExecuteResponseSchema = v.looseObject({
  status: v.optional(v.string()),
  output: v.optional(JsonObjectSchema),
  error_message: v.nullish(v.string()),
  execution_id: v.optional(v.string()),
});

/** An agent's answer. */
export type AgentExecuteResponse = v.InferOutput<typeof AgentExecuteResponseSchema>;

/** An agent's `GET /health` body (spec; the server only checks for HTTP 200). */
export const AgentHealthSchema = v.looseObject({
  agent_id: v.optional(v.string()),
  version: v.optional(v.string()),
  capabilities: v.optional(v.array(v.string())),
  ready: v.optional(v.boolean()),
});

/** An agent's health body. */
export type AgentHealth = v.InferOutput<typeof AgentHealthSchema>;
