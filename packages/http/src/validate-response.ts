import { isSecretField, REDACTED, ResponseValidationError, redactText } from '@uplink/core-schemas';
import * as v from 'valibot';
import { isHtml, summariseHtml, truncate } from './summarise-body.js';

/** Where a body came from, for the error message and fields. */
export interface ResponseContext {
  method: string;
  url: string;
  path: string;
  status: number;
  requestId: string | undefined;
  contentType: string | null;
  secrets: readonly string[];
}

/** Copy issues with secret values scrubbed, so neither the message nor `problems` shows one. */
export function scrubIssues(
  issues: readonly v.BaseIssue<unknown>[],
  secrets: readonly string[],
): v.BaseIssue<unknown>[] {
  return issues.map((issue) => {
    const secretPath = issue.path?.some(
      (item) => typeof item.key === 'string' && isSecretField(item.key),
    );
    return {
      ...issue,
      input: secretPath
        ? REDACTED
        : typeof issue.input === 'string'
          ? redactText(issue.input, secrets)
          : issue.input,
      received: secretPath ? REDACTED : redactText(issue.received, secrets),
      message: redactText(issue.message, secrets),
    } as v.BaseIssue<unknown>;
  });
}

function notJsonIssue(text: string, ctx: ResponseContext): v.BaseIssue<unknown> {
  const shown = isHtml(text, ctx.contentType)
    ? summariseHtml(text)
    : `"${truncate(text.replace(/\s+/g, ' ').trim(), 80)}"`;
  return {
    kind: 'schema',
    type: 'json',
    input: undefined,
    expected: 'a JSON body',
    received: redactText(`${ctx.contentType ?? 'untyped'} body ${shown}`, ctx.secrets),
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
  ctx: ResponseContext,
): unknown {
  if (schema === null) return undefined;
  const init = {
    method: ctx.method,
    url: ctx.url,
    status: ctx.status,
    requestId: ctx.requestId,
  };
  const subject = `${ctx.method} ${ctx.path} response`;
  if (text.trim() === '') {
    const result = v.safeParse(schema, undefined);
    if (result.success) return result.output;
    throw new ResponseValidationError({
      ...init,
      issues: result.issues,
      subject: `${subject} (HTTP ${ctx.status} with an empty body, which was not expected)`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ResponseValidationError({ ...init, issues: [notJsonIssue(text, ctx)], subject });
  }
  const result = v.safeParse(schema, json);
  if (result.success) return result.output;
  throw new ResponseValidationError({
    ...init,
    issues: scrubIssues(result.issues, ctx.secrets),
    subject,
  });
}
