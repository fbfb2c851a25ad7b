// Every platform Uplink speaks to is a FastAPI (pydantic 2) server, so they share the two error
// bodies FastAPI writes itself: `{"detail": "<text>"}` and the 422 request-validation list.
// Each platform module re-exports these under its own names (docs/protocols/luml.md,
// ai-spine.md and saturn.md describe the bodies, as does docs/protocols/agent-sdk.md §1.3).
import * as v from 'valibot';

/**
 * One pydantic 2 validation problem inside a 422 `detail` list: `{type, loc, msg, input?, ctx?,
 * url?}`. `loc` mixes names and indexes (`["body", "items", 0]`, or `["body", 7]` for bad JSON).
 */
export const FastApiValidationIssueSchema = v.looseObject({
  type: v.string(),
  loc: v.array(v.union([v.string(), v.number()])),
  msg: v.string(),
  input: v.optional(v.unknown()),
  ctx: v.optional(v.unknown()),
  url: v.optional(v.string()),
});

/** One FastAPI request-validation problem. */
export type FastApiValidationIssue = v.InferOutput<typeof FastApiValidationIssueSchema>;

/** The `detail` of a FastAPI error body: a message, or the 422 list of validation problems. */
export const FastApiDetailSchema = v.union([v.string(), v.array(FastApiValidationIssueSchema)]);
