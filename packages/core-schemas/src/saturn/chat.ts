// docs/protocols/saturn.md §2.4 (chat: one non-streaming turn)
import * as v from 'valibot';
import { IntegerSchema, JsonObjectSchema } from './common.js';

/**
 * `POST /agents/{id}/chat` body, strict. Without `session_id` the server opens a new session;
 * `metadata.user_external_id` is stored on a new session.
 */
export const ChatRequestSchema = v.strictObject({
  message: v.string(),
  session_id: v.optional(v.string()),
  metadata: v.optional(JsonObjectSchema),
});

/** Chat body. */
export type ChatRequest = v.InferOutput<typeof ChatRequestSchema>;

/** A knowledge-base passage the reply used. */
export const CitationSchema = v.looseObject({
  doc_id: v.string(),
  title: v.string(),
  snippet: v.string(),
});

/** A citation. */
export type Citation = v.InferOutput<typeof CitationSchema>;

/** Usage of one turn. */
export const ChatUsageSchema = v.looseObject({
  tokens_in: IntegerSchema,
  tokens_out: IntegerSchema,
  tool_calls: IntegerSchema,
  kb_queries: IntegerSchema,
});

/** Usage of one turn. */
export type ChatUsage = v.InferOutput<typeof ChatUsageSchema>;

/** Chat data: the session, the reply, its citations and usage. */
export const ChatReplySchema = v.looseObject({
  session_id: v.string(),
  reply: v.string(),
  citations: v.optional(v.array(CitationSchema), []),
  usage: ChatUsageSchema,
});

/** Chat data. */
export type ChatReply = v.InferOutput<typeof ChatReplySchema>;
