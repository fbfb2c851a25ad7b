// docs/protocols/agent-sdk.md §1.4 (endpoints) and §1.5 (`POST /run` body). Request bodies are strict.
import * as v from 'valibot';
import { JsonObjectSchema, StringMapSchema } from './common.js';

/** Characters as the server counts them (Python code points, not UTF-16 units). */
const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/** A string of `min` to `max` characters (code points), checked before trimming as pydantic does. */
const sizedString = (field: string, min: number, max: number) =>
  v.pipe(
    v.string(`Expected ${field} to be a string`),
    v.check(
      (text) => codePoints(text) >= min && codePoints(text) <= max,
      `Expected ${field} to have ${min} to ${max} characters`,
    ),
  );

/**
 * `task`: 1 to 10000 characters that are not all whitespace. The server checks the length of
 * the text as sent, then trims it and rejects an empty result ("Task cannot be empty").
 */
export const TaskTextSchema = v.pipe(
  sizedString('task', 1, 10000),
  v.check((text) => text.trim() !== '', 'Expected a task that is not only whitespace'),
);

/** `POST /run` and `POST /run/stream` body (§1.5). Strict: an unknown key is an error. */
export const RunTaskRequestSchema = v.strictObject({
  /** What the agent should do. */
  task: TaskTextSchema,
  /** A path to a config file on the server. */
  config: v.optional(v.string()),
  /** Seconds, 1 to 3600; the server's default is 300. */
  timeout: v.optional(
    v.pipe(
      v.number('Expected timeout to be a number of seconds'),
      v.integer('Expected timeout to be a whole number of seconds'),
      v.minValue(1, 'Expected a timeout of at least 1 second'),
      v.maxValue(3600, 'Expected a timeout of at most 3600 seconds'),
    ),
  ),
  /** Cost-allocation tags, string values only. */
  tags: v.optional(StringMapSchema),
  /** Provenance metadata, stored in the run's `metadata.lineage`. */
  lineage: v.optional(JsonObjectSchema),
});

/** `POST /run` body. */
export type RunTaskRequest = v.InferOutput<typeof RunTaskRequestSchema>;

/**
 * `POST /channels/webhook` body (§1.4): the only HTTP way to continue a session. `channel`
 * defaults to `web` on the server; any other value is a 400 `Unsupported channel`.
 */
export const ChannelMessageRequestSchema = v.strictObject({
  message: sizedString('message', 1, 10000),
  session_id: v.optional(v.string()),
  channel: v.optional(v.literal('web', 'Expected channel "web", the only one the server supports')),
  user_id: v.optional(v.string()),
});

/** `POST /channels/webhook` body. */
export type ChannelMessageRequest = v.InferOutput<typeof ChannelMessageRequestSchema>;

/** `POST /devices/register` body. */
export const DeviceRegisterRequestSchema = v.strictObject({
  name: sizedString('name', 1, 100),
});

/** `POST /devices/register` body. */
export type DeviceRegisterRequest = v.InferOutput<typeof DeviceRegisterRequestSchema>;

/** `POST /devices/pair` body. */
export const DevicePairRequestSchema = v.strictObject({
  device_id: sizedString('device_id', 1, 200),
  pairing_code: sizedString('pairing_code', 1, 50),
  agent_id: sizedString('agent_id', 1, 200),
});

/** `POST /devices/pair` body. */
export type DevicePairRequest = v.InferOutput<typeof DevicePairRequestSchema>;
