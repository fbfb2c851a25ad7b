import type { ExecutionResponse } from '@uplink/core-schemas/ai-spine';
import type { HttpResponse } from '@uplink/http';
import { describe, expect, it } from 'vitest';
import { ExecutionError, FlowNotFoundError } from './errors.js';
import { startedExecution } from './execute-response.js';

const ID = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
const ZERO = '00000000-0000-0000-0000-000000000000';

/** The execute answer as the transport hands it over (HTTP 200). */
const answer = (data: Partial<ExecutionResponse>): HttpResponse<ExecutionResponse> => ({
  data: { execution_id: ID, status: 'pending', result: null, error: null, ...data } as never,
  status: 200,
  headers: new Headers(),
  requestId: 'req-1',
  correlationId: 'corr-1',
});

const refusal = (data: Partial<ExecutionResponse>): unknown => {
  try {
    startedExecution('f', answer(data));
  } catch (error) {
    return error;
  }
  throw new Error('expected the start to be refused');
};

describe('startedExecution: did the run start?', () => {
  it.each([
    ['pending', {}],
    ['running', { status: 'running' }],
    ['completed at once', { status: 'completed', result: { ok: true } }],
  ] as const)('a %s answer with a real id and no error is a started run', (_name, data) => {
    const response = answer(data as Partial<ExecutionResponse>);
    expect(startedExecution('f', response)).toBe(response.data);
  });

  it('status "failed" without an error text is not a started run', () => {
    const error = refusal({ status: 'failed', error: null });
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toMatchObject({
      message:
        'Flow "f" did not start: the server answered status "failed" without an error message',
      executionId: ID,
      flowId: 'f',
      status: 'failed',
      serverMessage: undefined,
    });
  });

  it('an error text is not a started run, whatever the status says', () => {
    const error = refusal({ status: 'pending', error: 'Failed to start execution: queue full' });
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).not.toBeInstanceOf(FlowNotFoundError);
    expect(error).toMatchObject({
      message: 'Flow "f" did not start: Failed to start execution: queue full',
      status: 'pending',
      serverMessage: 'Failed to start execution: queue full',
    });
  });

  it('the all-zero id is not a started run, even with status "pending"', () => {
    expect(refusal({ execution_id: ZERO })).toMatchObject({
      message:
        'Flow "f" did not start: the server answered status "pending" without an error message',
      executionId: ZERO,
    });
  });

  it('an unknown flow becomes FlowNotFoundError with the response context', () => {
    const error = refusal({
      execution_id: ZERO,
      status: 'failed',
      error: "Flow 'f' not found",
    }) as FlowNotFoundError;
    expect(error).toBeInstanceOf(FlowNotFoundError);
    expect(error.message).toBe(
      `Flow "f" not found: the server answered HTTP 200 with status "failed" (Flow 'f' not found)`,
    );
    expect(error).toMatchObject({
      flowId: 'f',
      status: 200,
      method: 'POST',
      requestId: 'req-1',
      correlationId: 'corr-1',
    });
    expect(error.body).toMatchObject({ execution_id: ZERO, error: "Flow 'f' not found" });
  });

  it('recognises the not-found text only whole (a flow id may hold a line break)', () => {
    expect(refusal({ status: 'failed', error: "Flow 'a\nb' not found" })).toBeInstanceOf(
      FlowNotFoundError,
    );
    for (const text of ["Error: Flow 'f' not found", "Flow 'f' not found; retry later"]) {
      const error = refusal({ status: 'failed', error: text });
      expect(error).toBeInstanceOf(ExecutionError);
      expect((error as Error).message).toBe(`Flow "f" did not start: ${text}`);
    }
  });
});
