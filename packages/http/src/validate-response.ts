import { ResponseValidationError, redactText, redactUrl } from '@uplink/core-schemas';
import * as v from 'valibot';
import { compileFastCheck, FAIL, type FastCheck } from './fast-validate.js';
import { pathOf } from './request-url.js';
import { isHtml, summariseHtml, truncate } from './summarise-body.js';

/** Where a body came from, for the error message and fields (built only on failure). */
interface ResponseContext {
  method: string;
  rawUrl: string;
  response: Response;
  requestId: string | undefined;
  secrets: readonly string[];
}

/**
 * Copy issues with the client's secrets scrubbed from what they show, so neither the message
 * nor `problems` quotes one. (`ResponseValidationError` itself drops every input value and
 * redacts what was received under secret fields.)
 */
export function scrubIssues(
  issues: readonly v.BaseIssue<unknown>[],
  secrets: readonly string[],
): v.BaseIssue<unknown>[] {
  return issues.map(
    (issue) =>
      ({
        ...issue,
        received: redactText(issue.received, secrets),
        message: redactText(issue.message, secrets),
        issues: issue.issues && scrubIssues(issue.issues, secrets),
      }) as v.BaseIssue<unknown>,
  );
}

function notJsonIssue(text: string, ctx: ResponseContext): v.BaseIssue<unknown> {
  const contentType = ctx.response.headers.get('content-type');
  const shown = isHtml(text, contentType)
    ? summariseHtml(text)
    : `"${truncate(text.replace(/\s+/g, ' ').trim(), 80)}"`;
  return {
    kind: 'schema',
    type: 'json',
    input: undefined,
    expected: 'a JSON body',
    received: redactText(`${contentType ?? 'untyped'} body ${shown}`, ctx.secrets),
    message: 'The response body is not valid JSON',
  } as v.BaseIssue<unknown>;
}

/**
 * Parse and validate a 2xx body against `schema` (`null`: ignore the body). An empty body is
 * accepted only when the schema accepts `undefined`; otherwise, like a body that is not JSON
 * or does not match, it raises {@link ResponseValidationError}.
 */
export function validateResponse(
  schema: v.GenericSchema | null,
  text: string,
  method: string,
  rawUrl: string,
  response: Response,
  secrets: () => readonly string[],
): unknown {
  if (schema === null) return undefined;
  // Everything a failure reports is gathered only when there is one: a body that passes costs
  // no header lookups, no context object and no closure.
  // A JSON body almost always starts with `{` or `[`: only another one is searched for a
  // non-blank character.
  const first = text.charCodeAt(0);
  if (text.length === 0 || (first !== 123 && first !== 91 && !/\S/.test(text))) {
    const result = v.safeParse(schema, undefined);
    if (result.success) return result.output;
    throw failure(
      contextOf(method, rawUrl, response, secrets),
      result.issues,
      `(HTTP ${response.status} with an empty body, which was not expected)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const ctx = contextOf(method, rawUrl, response, secrets);
    throw failure(ctx, [notJsonIssue(text, ctx)]);
  }
  const fast = fastCheckFor(schema);
  if (fast) {
    const output = fast(json);
    if (output !== FAIL) return output;
  }
  const result = v.safeParse(schema, json);
  if (result.success) return result.output;
  const ctx = contextOf(method, rawUrl, response, secrets);
  throw failure(ctx, scrubIssues(result.issues, ctx.secrets));
}

function contextOf(
  method: string,
  rawUrl: string,
  response: Response,
  secrets: () => readonly string[],
): ResponseContext {
  return {
    method,
    rawUrl,
    response,
    requestId: response.headers.get('x-request-id') ?? undefined,
    secrets: secrets(),
  };
}

/** Compiled checks per schema (`null`: not compilable); schemas are long-lived constants. */
const fastChecks = new WeakMap<v.GenericSchema, FastCheck | null>();

/** The last schema looked up: a client calling one route in a loop skips the WeakMap. */
let lastSchema: v.GenericSchema | undefined;
let lastFast: FastCheck | null = null;

function fastCheckFor(schema: v.GenericSchema): FastCheck | undefined {
  if (schema === lastSchema) return lastFast ?? undefined;
  let fast = fastChecks.get(schema);
  if (fast === undefined) {
    fast = compileFastCheck(schema) ?? null;
    fastChecks.set(schema, fast);
  }
  lastSchema = schema;
  lastFast = fast;
  return fast ?? undefined;
}

function failure(
  ctx: ResponseContext,
  issues: readonly v.BaseIssue<unknown>[],
  note?: string,
): ResponseValidationError {
  const url = redactUrl(ctx.rawUrl, ctx.secrets);
  const subject = `${ctx.method} ${pathOf(url)} response${note ? ` ${note}` : ''}`;
  return new ResponseValidationError({
    issues,
    subject,
    method: ctx.method,
    url,
    status: ctx.response.status,
    requestId: ctx.requestId,
  });
}
