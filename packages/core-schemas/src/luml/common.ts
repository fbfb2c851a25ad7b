// docs/protocols/luml.md §1 (conventions: UUID ids, ISO 8601 timestamps, error bodies)
import * as v from 'valibot';
import { FastApiDetailSchema, FastApiValidationIssueSchema } from '../fastapi-errors.js';

/** A UUID path or body id (v7 in practice). A malformed id is a 422 on the platform. */
export const UuidSchema = v.pipe(v.string(), v.uuid('Expected a UUID'));

/**
 * An ISO 8601 date-time string (`2026-08-17T14:41:47.123456Z`). Only the date-and-time
 * prefix is checked: the platform emits UTC with `Z`, but a missing offset is tolerated.
 */
export const TimestampSchema = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/u, 'Expected an ISO 8601 date-time'),
);

/** A JSON object with any keys (payloads, results, schemas, free-form maps). */
export const JsonObjectSchema = v.record(v.string(), v.unknown());
/** A JSON object with any keys. */
export type JsonObject = v.InferOutput<typeof JsonObjectSchema>;

/** One FastAPI request-validation problem (`loc`, `msg`, `type` always present). */
export const ValidationDetailItemSchema = FastApiValidationIssueSchema;
/** One FastAPI request-validation problem. */
export type ValidationDetailItem = v.InferOutput<typeof ValidationDetailItemSchema>;

/** Every LUML application error body: `{"detail": "<message>"}` or the 422 list form. */
export const ErrorDetailSchema = v.looseObject({
  detail: FastApiDetailSchema,
});
/** Every LUML application error body. */
export type ErrorDetail = v.InferOutput<typeof ErrorDetailSchema>;
