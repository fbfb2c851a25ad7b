// docs/protocols/saturn.md §2.5 (features of the API document the server does not implement).
// The document gives no response bodies for these, so the readers are deliberately loose: the
// fields it implies are typed when present, everything else is kept.
import * as v from 'valibot';

/** A chat session as the API document implies it (`/sessions*`; not served by SATURN). */
export const SessionSchema = v.looseObject({
  session_id: v.optional(v.string()),
  agent_id: v.optional(v.string()),
  user_external_id: v.nullish(v.string()),
  channel: v.optional(v.string()),
  state: v.optional(v.string()),
  started_at: v.nullish(v.string()),
  ended_at: v.nullish(v.string()),
});

/** A chat session (spec only). */
export type Session = v.InferOutput<typeof SessionSchema>;

/** `GET /sessions` data (spec only). */
export const SessionListSchema = v.looseObject({ sessions: v.array(SessionSchema) });

/** `GET /sessions` data (spec only). */
export type SessionList = v.InferOutput<typeof SessionListSchema>;

/** One stored message of a session (spec only). */
export const SessionMessageSchema = v.looseObject({
  role: v.optional(v.string()),
  content: v.nullish(v.string()),
  created_at: v.nullish(v.string()),
});

/** One stored message (spec only). */
export type SessionMessage = v.InferOutput<typeof SessionMessageSchema>;

/** `GET /sessions/{id}/messages` data (spec only). */
export const SessionMessageListSchema = v.looseObject({
  messages: v.array(SessionMessageSchema),
});

/** `GET /sessions/{id}/messages` data (spec only). */
export type SessionMessageList = v.InferOutput<typeof SessionMessageListSchema>;

/**
 * One frame of the API document's chat stream (`WS /agents/{id}/chat/stream`): `type` is
 * `token`, `final`, `usage` or `error` there, read as an open string.
 */
export const ChatStreamEventSchema = v.looseObject({ type: v.string() });

/** One chat stream frame (spec only). */
export type ChatStreamEvent = v.InferOutput<typeof ChatStreamEventSchema>;
