// docs/protocols/ai-spine.md §3 (errors), §4.2 (timestamps) and §10 (ids)
import * as v from 'valibot';
import { FastApiDetailSchema, FastApiValidationIssueSchema } from '../fastapi-errors.js';

/** A JSON object as sent on the wire (`input_data`, `output_data`, `config`, `metadata`). */
export const JsonObjectSchema = v.pipe(
  v.unknown(),
  // valibot's record accepts arrays (they are objects); the wire means a JSON object.
  v.check((value) => !Array.isArray(value), 'Expected a JSON object, not an array'),
  v.record(v.string(), v.unknown()),
);

/** A JSON object as sent on the wire. */
export type JsonObject = v.InferOutput<typeof JsonObjectSchema>;

/**
 * Timestamps are ISO 8601, usually naive (no offset, meaning UTC, from `datetime.utcnow()`),
 * sometimes with `+00:00` or `Z` when read back from the database. Both are accepted.
 */
export const TIMESTAMP_PATTERN =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** An AI Spine timestamp string (naive ISO 8601 = UTC, or with an offset). */
export const TimestampSchema = v.pipe(
  v.string(),
  v.regex(TIMESTAMP_PATTERN, 'Expected an ISO 8601 timestamp'),
);

/**
 * Parse an AI Spine timestamp into a `Date`, treating a missing offset as UTC (the backend
 * writes `datetime.utcnow()` without a zone). Returns `undefined` for null/undefined/invalid.
 */
export function parseSpineTimestamp(value: string | null | undefined): Date | undefined {
  if (value == null || !TIMESTAMP_PATTERN.test(value)) return undefined;
  let text = value.replace(' ', 'T');
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text)) text += 'Z';
  // JS Date keeps milliseconds only; Python sends microseconds.
  text = text.replace(/(\.\d{3})\d+/, '$1');
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The all-zero UUID the backend returns from execute when the flow is unknown (§4.1). */
export const ZERO_EXECUTION_ID = '00000000-0000-0000-0000-000000000000';

/** An execution id: the backend types it as a UUID and answers 422 for anything else. */
export const ExecutionIdSchema = v.pipe(v.string(), v.uuid('Expected an execution id (a UUID)'));

const UUID_PATTERN = /^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/i;

/** Whether `value` is a syntactically valid execution id (a UUID, any version). */
export function isExecutionId(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** The flow/agent id format the JS SDK enforces (§10): 1-100 of `[a-zA-Z0-9_-]`. */
export const SPINE_ID_PATTERN = /^[a-zA-Z0-9_-]{1,100}$/;

/** A flow or agent id in the recommended format. Used by request bodies only. */
export const SpineIdSchema = v.pipe(
  v.string(),
  v.regex(SPINE_ID_PATTERN, 'Expected 1-100 characters of letters, digits, "_" or "-"'),
);

/** One FastAPI/pydantic validation problem inside a 422 `detail` array (§3). */
export const ValidationIssueSchema = FastApiValidationIssueSchema;

/** One FastAPI/pydantic validation problem. */
export type ValidationIssue = v.InferOutput<typeof ValidationIssueSchema>;

/**
 * Every AI Spine error body (§3): `{"detail": "<text>"}` or, for 422, `{"detail": [issue...]}`.
 * There is no other envelope.
 */
export const ErrorDetailSchema = v.looseObject({
  detail: FastApiDetailSchema,
});

/** An AI Spine error body. */
export type ErrorDetail = v.InferOutput<typeof ErrorDetailSchema>;

/** `{"message": "..."}`: the body of cancel (§4.3) and agent delete (§4.8). */
export const MessageResponseSchema = v.looseObject({ message: v.string() });

/** `{"message": "..."}`. */
export type MessageResponse = v.InferOutput<typeof MessageResponseSchema>;
