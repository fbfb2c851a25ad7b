// docs/protocols/agent-sdk.md §1.7 (the StreamEnvelope) and §1.12 (observed variants).
import * as v from 'valibot';
import { JsonObjectSchema, type RunStatus } from './common.js';

/** The three streams the server declares (`tool` is declared but never emitted today). */
export const STREAM_CHANNELS = ['assistant', 'tool', 'lifecycle'] as const;

/** A stream name the server declares today. */
export type KnownStreamChannel = (typeof STREAM_CHANNELS)[number];

/** The lifecycle events that end a run (§1.7): `timeout` and `canceled` are never emitted today. */
export const TERMINAL_LIFECYCLE_EVENTS = ['end', 'error', 'timeout', 'canceled'] as const;

/** A lifecycle event that ends a run. */
export type TerminalLifecycleEvent = (typeof TERMINAL_LIFECYCLE_EVENTS)[number];

/**
 * One run event (§1.7), as SSE `data:`, inside a replay page and inside a WebSocket `event`
 * frame. A tolerant reader: `stream`, `event` and `status` are open strings, `seq`, `status` and
 * `metadata` may be missing, and unknown fields are kept.
 */
export interface StreamEnvelope {
  /** The run, `run_<32 hex>`. */
  run_id: string;
  /** The run's session, `sess_<32 hex>`; `"unknown"` on the stream-failure event. */
  session_id: string;
  /** `assistant`, `tool` or `lifecycle`; treat as open. */
  stream: KnownStreamChannel | (string & {});
  /** `start`, `message`, `end`, `error` today (`assistant.message` in the contract fixture); open. */
  event: string;
  /** Shape depends on `stream`/`event`; see the payload schemas. */
  payload: Record<string, unknown>;
  /** ISO 8601 with an offset. */
  timestamp: string;
  /** Per-run sequence number from 0; absent on the stream-failure event. */
  seq?: number | undefined;
  /** Run status; present on lifecycle events only. */
  status?: RunStatus | undefined;
  /** `{org_id}` on server paths; absent when empty. */
  metadata?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

/** The StreamEnvelope schema (§1.7); see {@link StreamEnvelope}. */
export const StreamEnvelopeSchema: v.GenericSchema<unknown, StreamEnvelope> = v.looseObject({
  run_id: v.string(),
  session_id: v.string(),
  stream: v.string(),
  event: v.string(),
  payload: JsonObjectSchema,
  timestamp: v.string(),
  seq: v.optional(
    v.pipe(
      v.number(),
      v.integer('Expected seq to be a whole number'),
      v.minValue(0, 'Expected seq to be 0 or more'),
    ),
  ),
  status: v.optional(v.string()),
  metadata: v.optional(JsonObjectSchema),
});

/** `lifecycle/start` payload: `{task}`, or `{channel, message}` for channel runs. */
export const LifecycleStartPayloadSchema = v.looseObject({
  task: v.optional(v.string()),
  channel: v.optional(v.string()),
  message: v.optional(v.string()),
});

/** `lifecycle/start` payload. */
export type LifecycleStartPayload = v.InferOutput<typeof LifecycleStartPayloadSchema>;

/** A message role: `agent` on the real server, `assistant` in the reference; open. */
export type MessageRole = 'agent' | 'assistant' | (string & {});

/**
 * `assistant/message` payload, one whole message (never a token delta). The real server sends
 * `role: "agent"` and `metadata.type` `plan` or `execution_step` (§1.12).
 */
export const AssistantMessagePayloadSchema = v.looseObject({
  id: v.string(),
  role: v.pipe(
    v.string(),
    v.transform((role): MessageRole => role),
  ),
  content: v.string(),
  metadata: v.optional(JsonObjectSchema),
});

/** `assistant/message` payload. */
export type AssistantMessagePayload = v.InferOutput<typeof AssistantMessagePayloadSchema>;

/** The contract fixture's spelling: `event: "assistant.message"` with `payload: {text}` (§1.7). */
export const FixtureAssistantMessagePayloadSchema = v.looseObject({ text: v.string() });

/** The contract fixture's assistant payload. */
export type FixtureAssistantMessagePayload = v.InferOutput<
  typeof FixtureAssistantMessagePayloadSchema
>;

/** `lifecycle/end` payload: `{status: "completed"}`. */
export const LifecycleEndPayloadSchema = v.looseObject({ status: v.optional(v.string()) });

/** `lifecycle/end` payload. */
export type LifecycleEndPayload = v.InferOutput<typeof LifecycleEndPayloadSchema>;

/** `lifecycle/error` payload: `{error: "<text>"}`. */
export const LifecycleErrorPayloadSchema = v.looseObject({ error: v.optional(v.string()) });

/** `lifecycle/error` payload. */
export type LifecycleErrorPayload = v.InferOutput<typeof LifecycleErrorPayloadSchema>;

const TERMINAL = new Set<string>(TERMINAL_LIFECYCLE_EVENTS);

/**
 * Whether `envelope` ends its run: `stream == "lifecycle"` and `event` is `end`, `error`,
 * `timeout` or `canceled` (§1.7). The end of a body is never the end of a run.
 */
export function isTerminalEnvelope(envelope: Pick<StreamEnvelope, 'stream' | 'event'>): boolean {
  return envelope.stream === 'lifecycle' && TERMINAL.has(envelope.event);
}

/**
 * Whether `envelope` is the event the server writes when the stream itself fails (§1.7):
 * `lifecycle/error` without `seq` (its `session_id` is `"unknown"`). It reports a broken
 * stream, not a finished run.
 */
export function isStreamFailureEnvelope(
  envelope: Pick<StreamEnvelope, 'stream' | 'event' | 'seq'>,
): boolean {
  return (
    envelope.stream === 'lifecycle' && envelope.event === 'error' && envelope.seq === undefined
  );
}

/** Whether `envelope` is an assistant message in either spelling (`message`, `assistant.message`). */
export function isAssistantMessage(envelope: Pick<StreamEnvelope, 'stream' | 'event'>): boolean {
  return (
    envelope.stream === 'assistant' &&
    (envelope.event === 'message' || envelope.event === 'assistant.message')
  );
}

/**
 * The text of an assistant message: `payload.content` (server spelling) or `payload.text`
 * (fixture spelling); `undefined` for other events or a payload with neither.
 */
export function assistantMessageText(
  envelope: Pick<StreamEnvelope, 'stream' | 'event' | 'payload'>,
): string | undefined {
  if (!isAssistantMessage(envelope)) return undefined;
  const { content, text } = envelope.payload;
  if (typeof content === 'string') return content;
  return typeof text === 'string' ? text : undefined;
}
