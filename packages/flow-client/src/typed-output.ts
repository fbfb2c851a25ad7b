// docs/protocols/ai-spine.md §5.1 (output_data is set when a run completes).
import { parseWire } from '@uplink/core-schemas';
import type { ExecutionContext } from '@uplink/core-schemas/ai-spine';
import type * as v from 'valibot';
import { ExecutionError } from './errors.js';

/**
 * An execution whose `output_data` has the shape you expect: the output of the `output`
 * schema you passed (checked), or the type argument you gave (taken on trust).
 */
export type TypedExecution<TOutput = Record<string, unknown>> = {
  // Key remapping rather than Omit: Omit would drop every named field of this loose object.
  [K in keyof ExecutionContext as K extends 'output_data' ? never : K]: ExecutionContext[K];
} & {
  /** What the flow's exit nodes returned, keyed by exit node (`{}` until the run completes). */
  output_data: TOutput;
};

/** Options that type and check `output_data`; see `WaitOptions.output`. */
export interface OutputOptions<TOutput> {
  /**
   * A valibot schema for `output_data`. The run's output is checked when it completes, and
   * the returned execution is typed by the schema's output. A mismatch throws
   * `ResponseValidationError` naming the bad path; a run that ends `cancelled` (or `failed`,
   * with `throwOnFailure: false`) throws {@link ExecutionError}, as it has no output to check.
   * Without it, `output_data` is typed by the type argument (when you give one) unchecked.
   * @default undefined (not checked)
   */
  output?: v.GenericSchema<unknown, TOutput> | undefined;
}

/** Check a finished run's `output_data` against `schema` (when given) and type it. */
export function typedOutput<TOutput>(
  execution: ExecutionContext,
  schema: v.GenericSchema<unknown, TOutput> | undefined,
): TypedExecution<TOutput> {
  // Without a schema the type is the caller's claim; the data is the server's, unchanged.
  if (!schema) return execution as unknown as TypedExecution<TOutput>;
  if (execution.status !== 'completed') {
    throw new ExecutionError(
      `Execution ${execution.execution_id} of flow "${execution.flow_id}" ended ${execution.status}, so it has no output to check against the output schema`,
      {
        executionId: execution.execution_id,
        flowId: execution.flow_id,
        status: execution.status,
        serverMessage: execution.error_message,
        execution,
      },
    );
  }
  const output = parseWire(
    schema,
    execution.output_data,
    `output_data of execution ${execution.execution_id}`,
  );
  return { ...execution, output_data: output };
}
