// Type tests, checked by `pnpm typecheck` (tsconfig.tests.json): each line fails to compile if
// the typing of results regresses.
import type { UplinkError } from '@uplink/core-schemas';
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import {
  type BatchResult,
  type ExecutionResponse,
  FlowClient,
  type TypedExecution,
} from '../src/index.js';

const flows = new FlowClient({ baseUrl: 'http://127.0.0.1:1' });
const Output = v.object({ step: v.object({ score: v.number() }) });
interface LoanDecision {
  approved: boolean;
}

export async function outputSchemaTypesOutputData(): Promise<void> {
  const run = await flows.executeAndWait('score', {}, { output: Output });
  expectTypeOf(run.output_data).toEqualTypeOf<{ step: { score: number } }>();
  expectTypeOf(run.output_data.step.score).toBeNumber();
  // The named fields of the execution survive the retyping.
  expectTypeOf(run.execution_id).toBeString();
  expectTypeOf(run.status).toEqualTypeOf<TypedExecution['status']>();
  const waited = await flows.waitForExecution(run.execution_id, { output: Output });
  expectTypeOf(waited.output_data.step).toEqualTypeOf<{ score: number }>();
}

export async function aTypeArgumentTypesOutputData(): Promise<void> {
  const run = await flows.executeAndWait<LoanDecision>('loan', {});
  expectTypeOf(run.output_data.approved).toBeBoolean();
  // @ts-expect-error a schema must agree with the type argument
  await flows.executeAndWait<LoanDecision>('loan', {}, { output: Output });
}

export async function byDefaultOutputDataIsAnUntypedRecord(): Promise<void> {
  const run = await flows.executeAndWait('loan', {});
  expectTypeOf(run.output_data).toEqualTypeOf<Record<string, unknown>>();
  // @ts-expect-error unknown until checked or typed
  run.output_data.step.score;
}

export async function batchErrorsAreUplinkErrors(): Promise<void> {
  const results = await flows.executeBatch([{ flowId: 'score', input: {} }], {
    wait: { output: Output },
  });
  for (const result of results) {
    if (result.ok) expectTypeOf(result.value.output_data.step.score).toBeNumber();
    else {
      expectTypeOf(result.error).toEqualTypeOf<UplinkError>();
      result.error.message.toUpperCase();
    }
  }
  const started = await flows.executeBatch([{ flowId: 'score', input: {} }], { wait: false });
  expectTypeOf(started).toEqualTypeOf<BatchResult<ExecutionResponse>[]>();
  const waited = await flows.executeBatch([{ flowId: 'score', input: {} }]);
  expectTypeOf(waited).toEqualTypeOf<BatchResult<TypedExecution>[]>();
}
