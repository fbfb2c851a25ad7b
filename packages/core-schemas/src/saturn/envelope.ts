// docs/protocols/saturn.md §2.1 (envelopes, plain FastAPI bodies) and §2.2 (error codes)
import * as v from 'valibot';
import { FastApiDetailSchema, FastApiValidationIssueSchema } from '../fastapi-errors.js';
import { JsonObjectSchema } from './common.js';

/**
 * `meta` of every enveloped answer. `next_cursor` exists only in the API document's pagination
 * (§2.5); the real server sends `request_id` alone.
 */
export const MetaSchema = v.looseObject({
  request_id: v.string(),
  next_cursor: v.nullish(v.string()),
});

/** `meta` of an enveloped answer. */
export type Meta = v.InferOutput<typeof MetaSchema>;

/** The success envelope around `data`: `{data, meta}`. */
export type EnvelopeSchema<TData extends v.GenericSchema> = v.LooseObjectSchema<
  { data: TData; meta: v.OptionalSchema<typeof MetaSchema, undefined> },
  undefined
>;

/**
 * The success envelope `{"data": <data>, "meta": {"request_id"}}` around a data schema. `data`
 * is required (a 2xx without it is not a SATURN answer); `meta` is read when present.
 */
export function saturnEnvelope<TData extends v.GenericSchema>(data: TData): EnvelopeSchema<TData> {
  return v.looseObject({ data, meta: v.optional(MetaSchema) });
}

/** A success envelope around any data (fixtures and tests). */
export const AnyEnvelopeSchema = saturnEnvelope(v.unknown());

/** Every error code of SATURN's registry, with its fixed HTTP status and default message. */
export const SATURN_ERROR_CODES = {
  AUTH_INVALID: { status: 401, message: 'Authentication failed' },
  AUTH_FORBIDDEN: { status: 403, message: 'Access forbidden' },
  TENANT_NOT_FOUND: { status: 404, message: 'Tenant not found' },
  AGENT_NOT_FOUND: { status: 404, message: 'Agent not found' },
  SESSION_NOT_FOUND: { status: 404, message: 'Session not found' },
  KB_INDEXING_FAILED: { status: 500, message: 'Knowledge base indexing failed' },
  TOOL_NOT_ALLOWED: { status: 403, message: 'Tool not allowed' },
  TOOL_SCHEMA_INVALID: { status: 400, message: 'Tool schema invalid' },
  TOOL_EXECUTION_FAILED: { status: 500, message: 'Tool execution failed' },
  LLM_PROVIDER_ERROR: { status: 502, message: 'LLM provider error' },
  RATE_LIMITED: { status: 429, message: 'Rate limited' },
  BAD_REQUEST: { status: 400, message: 'Bad request' },
  NOT_FOUND: { status: 404, message: 'Resource not found' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code of SATURN's registry. Responses may carry others: read `code` as an open string. */
export type SaturnErrorCode = keyof typeof SATURN_ERROR_CODES;

/** Whether `code` is one of the registry's codes. */
export function isSaturnErrorCode(code: unknown): code is SaturnErrorCode {
  return typeof code === 'string' && Object.hasOwn(SATURN_ERROR_CODES, code);
}

/** The `error` member of an error envelope. `code` is an open string. */
export const ErrorBodySchema = v.looseObject({
  code: v.string(),
  message: v.string(),
  details: v.optional(JsonObjectSchema),
});

/** The `error` member of an error envelope. */
export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>;

/** SATURN's error envelope `{"error": {code, message, details}, "meta": {"request_id"}}`. */
export const ErrorEnvelopeSchema = v.looseObject({
  error: ErrorBodySchema,
  meta: v.optional(MetaSchema),
});

/** SATURN's error envelope. */
export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelopeSchema>;

/** One pydantic 2 validation problem inside a plain 422 `detail` list. */
export const ValidationIssueSchema = FastApiValidationIssueSchema;

/** One validation problem of a plain 422. */
export type ValidationIssue = v.InferOutput<typeof ValidationIssueSchema>;

/**
 * The plain FastAPI bodies that bypass the envelope (no `meta`): `{"detail": "Not Found"}`
 * (404), `{"detail": "Method Not Allowed"}` (405) and `{"detail": [issue, ...]}` (422).
 */
export const PlainErrorSchema = v.looseObject({
  detail: FastApiDetailSchema,
});

/** A plain FastAPI error body. */
export type PlainError = v.InferOutput<typeof PlainErrorSchema>;

/** `GET /health` and `GET /ready` data: `{status: "ok" | "ready"}`. */
export const HealthSchema = v.looseObject({ status: v.string() });

/** Health data. */
export type Health = v.InferOutput<typeof HealthSchema>;
