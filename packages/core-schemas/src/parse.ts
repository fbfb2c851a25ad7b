import * as v from 'valibot';
import type { ConfigurationProblem } from './errors/configuration-error.js';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import { ResponseValidationError } from './errors/response-validation-error.js';

/** Any valibot schema (sync). */
export type AnySchema = v.GenericSchema;

/**
 * Parse `input` with `schema`, throwing {@link ResponseValidationError} with the first bad
 * path in its message. The one place every package turns valibot issues into our error.
 */
export function parseWire<TSchema extends AnySchema>(
  schema: TSchema,
  input: unknown,
  subject?: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  return throwValidation(result.issues, subject);
}

function throwValidation(issues: readonly v.BaseIssue<unknown>[], subject?: string): never {
  throw new ResponseValidationError({ issues, subject });
}

/**
 * Valibot issues as argument problems, one per issue, each named `subject.path`. The message
 * leaves out the value that was received: an argument may hold a secret (a prompt, a tool's
 * configuration, a key).
 */
export function argumentProblems(
  issues: readonly v.BaseIssue<unknown>[],
  subject: string,
): ConfigurationProblem[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue);
    return {
      setting: path ? `${subject}.${path}` : subject,
      message: issue.message.replace(/,? but received .*$|, received .*$/s, ''),
    };
  });
}

/**
 * Check a caller's argument (a request body, say) against its schema before anything is sent,
 * returning the parsed value; otherwise throw {@link InvalidArgumentError} listing every problem
 * (see {@link argumentProblems}).
 */
export function parseArgument<TSchema extends AnySchema>(
  schema: TSchema,
  input: unknown,
  subject: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new InvalidArgumentError(argumentProblems(result.issues, subject));
}
