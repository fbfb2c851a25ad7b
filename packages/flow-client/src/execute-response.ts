// docs/protocols/ai-spine.md §4.1 (the execute answer and its unknown-flow quirk).
import { type ExecutionResponse, ZERO_EXECUTION_ID } from '@uplink/core-schemas/ai-spine';
import type { HttpResponse } from '@uplink/http';
import { ExecutionError, FlowNotFoundError } from './errors.js';

const FLOW_NOT_FOUND = /^Flow '.*' not found$/s;

/**
 * Return the execute answer when the run started. The backend reports a run that did not start
 * inside an HTTP 200: `status: "failed"`, an `error` text and, for an unknown flow, the
 * all-zero id. That becomes {@link FlowNotFoundError} or {@link ExecutionError}, so nobody
 * polls an execution that does not exist.
 */
export function startedExecution(
  flowId: string,
  response: HttpResponse<ExecutionResponse>,
): ExecutionResponse {
  const { data } = response;
  if (data.status !== 'failed' && data.error == null && data.execution_id !== ZERO_EXECUTION_ID) {
    return data;
  }
  const serverMessage = data.error ?? undefined;
  if (serverMessage && FLOW_NOT_FOUND.test(serverMessage)) {
    throw new FlowNotFoundError(
      `Flow "${flowId}" not found: the server answered HTTP ${response.status} with status "failed" (${serverMessage})`,
      {
        flowId,
        status: response.status,
        body: data,
        method: 'POST',
        requestId: response.requestId,
        correlationId: response.correlationId,
      },
    );
  }
  throw new ExecutionError(
    `Flow "${flowId}" did not start: ${serverMessage ?? `the server answered status "${data.status}" without an error message`}`,
    { executionId: data.execution_id, flowId, status: data.status, serverMessage },
  );
}
