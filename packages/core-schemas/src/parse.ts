import * as v from 'valibot';
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
