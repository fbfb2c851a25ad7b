import { ResponseValidationError } from '@uplink/core-schemas';
import type { ExecutionContext } from '@uplink/core-schemas/ai-spine';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ExecutionError } from './errors.js';
import { typedOutput } from './typed-output.js';

const run = (status: string, output_data: Record<string, unknown>): ExecutionContext => ({
  execution_id: '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d',
  flow_id: 'score',
  status,
  input_data: {},
  output_data,
  error_message: null,
  created_at: '2025-08-15T21:03:11.123456',
});
const Output = v.object({ result: v.object({ score: v.number() }) });

describe('typedOutput', () => {
  it('checks a completed run against the schema and returns what the schema parsed', () => {
    const typed = typedOutput(run('completed', { result: { score: 0.7, extra: 1 } }), Output);
    expect(typed.output_data).toEqual({ result: { score: 0.7 } });
    expect(typed.status).toBe('completed');
  });

  it('throws ResponseValidationError naming the path when the output does not match', () => {
    const error = (() => {
      try {
        typedOutput(run('completed', { result: { score: 'high' } }), Output);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('result.score');
    expect((error as Error).message).toContain('output_data of execution 7b0c1d2e');
  });

  it('a run that did not complete has no output to check: ExecutionError with the run', () => {
    const cancelled = run('cancelled', {});
    expect(() => typedOutput(cancelled, Output)).toThrow(ExecutionError);
    expect(() => typedOutput(cancelled, Output)).toThrow(
      'Execution 7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d of flow "score" ended cancelled, so it has no output to check against the output schema',
    );
  });

  it('without a schema returns the run unchanged, whatever its status', () => {
    const cancelled = run('cancelled', {});
    expect(typedOutput(cancelled, undefined)).toBe(cancelled);
  });
});
