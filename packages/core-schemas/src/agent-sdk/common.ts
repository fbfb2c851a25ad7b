// docs/protocols/agent-sdk.md §1.3 (errors), §1.6 (run status) and §1.12 (observed shapes).
import * as v from 'valibot';
import { FastApiDetailSchema, FastApiValidationIssueSchema } from '../fastapi-errors.js';

/** A JSON object as sent on the wire (`payload`, `metadata`, `lineage`): an object, not an array. */
export const JsonObjectSchema = v.pipe(
  v.unknown(),
  // valibot's record accepts arrays (they are objects) and copies them into a plain object,
  // so the check comes first; the wire means a JSON object.
  v.check((value) => !Array.isArray(value), 'Expected a JSON object, not an array'),
  v.record(v.string(), v.unknown()),
);

/** A JSON object as sent on the wire. */
export type JsonObject = v.InferOutput<typeof JsonObjectSchema>;

/** A string-to-string map (`tags`). */
export const StringMapSchema = v.record(v.string(), v.string());

/** A string-to-string map. */
export type StringMap = v.InferOutput<typeof StringMapSchema>;

/** Every run status the server defines (§1.6). */
export const RUN_STATUSES = [
  'accepted',
  'running',
  'completed',
  'error',
  'timeout',
  'canceled',
] as const;

/** A run status the server defines today. */
export type KnownRunStatus = (typeof RUN_STATUSES)[number];

/** A run status. Unknown strings are kept (tolerant reader): the known names plus any string. */
export type RunStatus = KnownRunStatus | (string & {});

/** The statuses a run never leaves (§1.6): `waitForRun` stops at these. */
export const FINAL_RUN_STATUSES: readonly KnownRunStatus[] = [
  'completed',
  'error',
  'timeout',
  'canceled',
];

/** Whether `status` is final (`completed`, `error`, `timeout` or `canceled`). */
export function isFinalRunStatus(status: string): boolean {
  return (FINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/** Whether `status` is one the server defines today. */
export function isKnownRunStatus(status: string): status is KnownRunStatus {
  return (RUN_STATUSES as readonly string[]).includes(status);
}

/** A run status string; unknown values are kept. */
export const RunStatusSchema = v.pipe(
  v.string('Expected a run status string'),
  v.transform((status): RunStatus => status),
);

/**
 * One pydantic 2 validation problem inside a 422 `detail` list (§1.3, §1.12):
 * `{type, loc, msg, input?, ctx?, url?}`. `loc` mixes names and indexes (`["body", 7]` for bad JSON).
 */
export const ValidationIssueSchema = FastApiValidationIssueSchema;

/** One pydantic validation problem. */
export type ValidationIssue = v.InferOutput<typeof ValidationIssueSchema>;

/**
 * Every agent-sdk error body (§1.3): FastAPI's `{"detail": "<text>"}` (often ending in
 * `" Hint: …"`), the key middleware's `{"detail", "hint"}`, or a 422 `{"detail": [issue…]}`.
 * There are no machine-readable codes.
 */
export const ErrorBodySchema = v.looseObject({
  detail: FastApiDetailSchema,
  hint: v.optional(v.string()),
});

/** An agent-sdk error body. */
export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>;

/** The separator the server puts between a message and its hint inside `detail` (§1.3). */
export const HINT_SEPARATOR = ' Hint: ';

/**
 * Split an error body into its message and hint: the middleware's separate `hint` field, or
 * the `" Hint: …"` suffix inside `detail`. A validation list becomes `loc: msg` items joined
 * with `"; "`. Returns `undefined` for a body that is not an agent-sdk error body.
 */
export function describeAgentSdkError(
  body: unknown,
): { message: string; hint: string | undefined } | undefined {
  const parsed = v.safeParse(ErrorBodySchema, body);
  if (!parsed.success) return undefined;
  const { detail, hint } = parsed.output;
  if (Array.isArray(detail)) {
    const message = detail
      .map((issue) => {
        const loc = issue.loc.map(String).join('.');
        return loc ? `${loc}: ${issue.msg}` : issue.msg;
      })
      .join('; ');
    return { message: message || 'Validation failed', hint };
  }
  const at = detail.indexOf(HINT_SEPARATOR);
  if (at >= 0 && hint === undefined) {
    return { message: detail.slice(0, at), hint: detail.slice(at + HINT_SEPARATOR.length) };
  }
  return { message: detail, hint };
}
