// docs/protocols/agent-sdk.md §1.10 (the WebSocket gateway) and §1.12 (observed behaviour).
import * as v from 'valibot';
import { JsonObjectSchema } from './common.js';
import { TaskTextSchema } from './requests.js';
import { StreamEnvelopeSchema } from './stream-envelope.js';

/** Error codes the gateway sends; `AUTH_REQUIRED` exists in the code only, not the spec. */
export const GATEWAY_ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'INVALID_REQUEST',
  'RUN_NOT_FOUND',
  'SERVER_ERROR',
] as const;

/** A gateway error code the server sends today. */
export type KnownGatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

/** A gateway error code; unknown codes are kept. */
export type GatewayErrorCode = KnownGatewayErrorCode | (string & {});

/** Frame types a client sends. */
export const GATEWAY_CLIENT_FRAME_TYPES = [
  'auth',
  'run',
  'subscribe',
  'unsubscribe',
  'ping',
] as const;

/** Frame types the server sends. */
export const GATEWAY_SERVER_FRAME_TYPES = ['ack', 'error', 'event', 'pong'] as const;

/**
 * Any frame the server sends (§1.10): `{type, request_id, timestamp, payload}`. `request_id`
 * echoes the triggering frame's id, or is `null` (`event` frames, and errors about frames that
 * could not be read). Tolerant: unknown types and fields are kept.
 */
export const GatewayServerFrameSchema = v.looseObject({
  type: v.pipe(
    v.string(),
    v.transform((type): (typeof GATEWAY_SERVER_FRAME_TYPES)[number] | (string & {}) => type),
  ),
  request_id: v.nullish(v.string()),
  timestamp: v.optional(v.string()),
  payload: v.optional(JsonObjectSchema, {}),
});

/** Any server frame. */
export type GatewayServerFrame = v.InferOutput<typeof GatewayServerFrameSchema>;

/** `error` frame payload: `{code, message}`. */
export const GatewayErrorPayloadSchema = v.looseObject({
  code: v.pipe(
    v.string(),
    v.transform((code): GatewayErrorCode => code),
  ),
  message: v.string(),
});

/** `error` frame payload. */
export type GatewayErrorPayload = v.InferOutput<typeof GatewayErrorPayloadSchema>;

/** `ack` to `auth`, `subscribe` or `unsubscribe`: `{status: "ok" | "subscribed" | "unsubscribed"}`. */
export const GatewayStatusAckSchema = v.looseObject({ status: v.string() });

/** A status ack. */
export type GatewayStatusAck = v.InferOutput<typeof GatewayStatusAckSchema>;

/** `ack` to `run`: the new run's ids. */
export const GatewayRunAckSchema = v.looseObject({
  run_id: v.string(),
  session_id: v.string(),
});

/** `ack` to `run`. */
export type GatewayRunAck = v.InferOutput<typeof GatewayRunAckSchema>;

/** `event` frame payload: one {@link StreamEnvelopeSchema}. */
export const GatewayEventPayloadSchema = StreamEnvelopeSchema;

const clientFrame = <T extends string, P extends v.GenericSchema>(type: T, payload: P) =>
  v.strictObject({
    type: v.literal(type),
    request_id: v.pipe(v.string(), v.minLength(1)),
    timestamp: v.optional(v.string()),
    payload,
  });

/** `auth`, which must be the first frame: `{api_key, client_id?}`. */
export const GatewayAuthFrameSchema = clientFrame(
  'auth',
  v.strictObject({
    api_key: v.pipe(v.string(), v.minLength(1, 'Expected a non-empty api_key')),
    client_id: v.optional(v.string()),
  }),
);

/** `run`: start a run, optionally in an existing (or new, named) session. */
export const GatewayRunFrameSchema = clientFrame(
  'run',
  v.strictObject({ task: TaskTextSchema, session_id: v.optional(v.string()) }),
);

/** `subscribe`: history from `from_seq` (inclusive), then live events. */
export const GatewaySubscribeFrameSchema = clientFrame(
  'subscribe',
  v.strictObject({
    run_id: v.pipe(v.string(), v.minLength(1)),
    from_seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
);

/** `unsubscribe`. */
export const GatewayUnsubscribeFrameSchema = clientFrame(
  'unsubscribe',
  v.strictObject({ run_id: v.pipe(v.string(), v.minLength(1)) }),
);

/** `ping`, answered by `pong {}`. */
export const GatewayPingFrameSchema = clientFrame('ping', v.strictObject({}));

/** Any frame this client sends. Strict: an unknown key is an error. */
export const GatewayClientFrameSchema = v.variant('type', [
  GatewayAuthFrameSchema,
  GatewayRunFrameSchema,
  GatewaySubscribeFrameSchema,
  GatewayUnsubscribeFrameSchema,
  GatewayPingFrameSchema,
]);

/** Any frame this client sends. */
export type GatewayClientFrame = v.InferOutput<typeof GatewayClientFrameSchema>;
