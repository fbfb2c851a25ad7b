// docs/protocols/ai-spine.md §3, §4.1, §4.3, §5.2 and §10 (errors the client raises).
import {
  type ApiErrorInit,
  InternalServerError,
  NotFoundError,
  TimeoutError,
  UplinkError,
  type UplinkErrorOptions,
} from '@uplink/core-schemas';

/** Re-exported: one class for every client (see `@uplink/core-schemas`). */
export { InvalidArgumentError } from '@uplink/core-schemas';

import type { ExecutionContext } from '@uplink/core-schemas/ai-spine';

/**
 * The flow does not exist. Raised by `getFlow` on 404 and by `executeFlow` when the backend
 * answers an unknown flow with HTTP 200, the all-zero execution id and `status: "failed"`
 * (§4.1). `status` is the HTTP status the server really sent (200 for that quirk).
 */
export class FlowNotFoundError extends NotFoundError {
  static override readonly errorName: string = 'FlowNotFoundError';
  /** The flow id that was asked for. */
  readonly flowId: string;
  constructor(message: string, init: ApiErrorInit & { flowId: string }) {
    super(message, init);
    this.flowId = init.flowId;
  }
}

/** Context for an {@link ExecutionError}. */
export interface ExecutionErrorInit extends UplinkErrorOptions {
  /** The execution id (the all-zero UUID when the run never started). */
  executionId: string;
  /** The flow that was executed, when known. */
  flowId?: string | undefined;
  /** The execution status that caused the error (`failed`, or a status the server made up). */
  status: string;
  /** The server's error text (`error` on execute, `error_message` on a finished run). */
  serverMessage?: string | null | undefined;
  /** The last execution seen, when the error came from polling. */
  execution?: ExecutionContext | undefined;
}

/**
 * A flow execution failed: it could not start (execute answered `failed`) or it finished
 * `failed`. The message carries the server's error text. Not an HTTP error: the server
 * reports execution failures inside a 200 body.
 */
export class ExecutionError extends UplinkError {
  static override readonly errorName: string = 'ExecutionError';
  /** The execution id (the all-zero UUID when the run never started). */
  readonly executionId: string;
  /** The flow that was executed, when known. */
  readonly flowId: string | undefined;
  /** The execution status that caused the error. */
  readonly status: string;
  /** The server's error text, when it sent one. */
  readonly serverMessage: string | null | undefined;
  /** The last execution seen, when the error came from polling. */
  readonly execution: ExecutionContext | undefined;
  constructor(message: string, init: ExecutionErrorInit) {
    super(message, init);
    this.executionId = init.executionId;
    this.flowId = init.flowId;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.execution = init.execution;
  }
}

/**
 * `cancelExecution` got 404 for an execution that exists but is not running (still
 * `pending`, already finished, or already cancelled; §5.2).
 * `currentStatus` is what a follow-up GET showed.
 */
export class ExecutionNotRunningError extends NotFoundError {
  static override readonly errorName: string = 'ExecutionNotRunningError';
  /** The execution id. */
  readonly executionId: string;
  /** The status a GET showed right after the refused cancel. */
  readonly currentStatus: string;
  constructor(
    message: string,
    init: ApiErrorInit & { executionId: string; currentStatus: string },
  ) {
    super(message, init);
    this.executionId = init.executionId;
    this.currentStatus = init.currentStatus;
  }
}

/**
 * The backend wrapped a request-validation failure in HTTP 500 (§3 and §4.7:
 * a missing agent key gives `{"detail": "'agent_type'"}`, a bad enum gives pydantic's text).
 * Retrying cannot help; fix the request. `field` names the offending key when the server did.
 */
export class ServerValidationError extends InternalServerError {
  static override readonly errorName: string = 'ServerValidationError';
  /** The request field the server complained about, when it named one. */
  readonly field: string | undefined;
  constructor(message: string, init: ApiErrorInit & { field?: string | undefined }) {
    super(message, init);
    this.field = init.field;
  }
}

/**
 * `waitForExecution` ran out of time (`timeout: 'wait'`). Carries the execution id and the
 * last execution seen, so the caller can keep waiting or cancel.
 */
export class WaitTimeoutError extends TimeoutError {
  static override readonly errorName: string = 'WaitTimeoutError';
  /** The execution that was being waited for. */
  readonly executionId: string;
  /** The last execution seen before time ran out, if any poll succeeded. */
  readonly lastExecution: ExecutionContext | undefined;
  constructor(
    message: string,
    init: UplinkErrorOptions & {
      executionId: string;
      timeoutMs: number;
      lastExecution?: ExecutionContext | undefined;
    },
  ) {
    super(message, { ...init, timeout: 'wait' });
    this.executionId = init.executionId;
    this.lastExecution = init.lastExecution;
  }
}
