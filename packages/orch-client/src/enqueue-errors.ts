// docs/protocols/llama-orch.md §5.3 (a full queue, no deduplication), §11.2 (backpressure codes) and §16
// (do not auto-retry admission 429s): the two ways an enqueue fails that callers must tell apart.
import {
  type ApiErrorInit,
  ConnectionError,
  RateLimitError,
  type RequestContext,
  type TimeoutError,
} from '@uplink/core-schemas';

/** Where an enqueue failed: the ids it sent. */
export interface EnqueueContext {
  /** The `task_id` that was sent. */
  taskId: string;
  /** The `session_id` that was sent. */
  sessionId: string;
  /** The `X-Correlation-Id` that was sent. */
  correlationId: string;
}

/**
 * The server refused admission with 429 (`ADMISSION_REJECT`, `QUEUE_FULL_DROP_LRU`): the task
 * was not admitted, so sending it again cannot admit it twice. It is surfaced at once, never
 * retried on its own: the default llama-orch queue never drains (§5.3), so waiting rarely helps.
 * Retry only by choice, with `admissionRetry` on the call, after `retryAfterMs`.
 */
export class AdmissionRejectedError extends RateLimitError {
  static override readonly errorName: string = 'AdmissionRejectedError';
  /** The body's `policy_label` (`reject`, `drop-lru`), when sent. */
  readonly policyLabel: string | undefined;
  /** `X-Backoff-Ms`, when sent. `retryAfterMs` holds the precise hint of all of them. */
  readonly backoffMs: number | undefined;
  /** The refused `task_id`. */
  readonly taskId: string;
  /** The `session_id` of the refused request. */
  readonly sessionId: string;

  constructor(
    message: string,
    init: ApiErrorInit &
      EnqueueContext & { policyLabel?: string | undefined; backoffMs?: number | undefined },
  ) {
    super(message, init);
    this.policyLabel = init.policyLabel;
    this.backoffMs = init.backoffMs;
    this.taskId = init.taskId;
    this.sessionId = init.sessionId;
  }

  /** Re-type the transport's 429 for an enqueue, adding the policy, the ids and what to do. */
  static from(error: RateLimitError, context: EnqueueContext): AdmissionRejectedError {
    const label = (error.body as { policy_label?: unknown } | undefined)?.policy_label;
    const policyLabel = typeof label === 'string' ? label : undefined;
    const backoff = error.headers['x-backoff-ms'];
    return new AdmissionRejectedError(
      `${error.message} (policy ${policyLabel}, retry after ${error.retryAfterMs} ms). Task ` +
        `${context.taskId} was not admitted and is not retried unless you pass admissionRetry`,
      {
        ...error,
        ...context,
        correlationId: error.correlationId ?? context.correlationId,
        policyLabel,
        backoffMs: backoff && /^\d+$/.test(backoff) ? Number(backoff) : undefined,
      },
    );
  }
}

/**
 * An enqueue failed after its request may have reached the server: the connection dropped
 * before the whole answer arrived, or the attempt timed out. The server may have admitted the
 * task (it holds a queue slot then), and llama-orch has neither a route to look a task up nor
 * deduplication of `task_id`, so the client cannot find out and does not send it again: a
 * second POST would admit it twice. `cause` is the transport's `ConnectionError` or
 * `TimeoutError`.
 */
export class AmbiguousEnqueueError extends ConnectionError {
  static override readonly errorName: string = 'AmbiguousEnqueueError';
  /** The `task_id` that may have been admitted. */
  readonly taskId: string;
  /** The `session_id` it was sent with. */
  readonly sessionId: string;
  /** The `X-Correlation-Id` it was sent with. */
  readonly correlationId: string;

  constructor(message: string, context: RequestContext & EnqueueContext) {
    super(message, context);
    this.taskId = context.taskId;
    this.sessionId = context.sessionId;
    this.correlationId = context.correlationId;
  }

  /** Wrap the transport's failure, saying what happened and what to do next. */
  static from(
    error: ConnectionError | TimeoutError,
    context: EnqueueContext,
  ): AmbiguousEnqueueError {
    return new AmbiguousEnqueueError(
      `${error.message}. The server may have admitted task ${context.taskId} and would admit ` +
        'it again: do not send it again. Stream it (any id streams), cancel it, or use a new task_id',
      { method: error.method, url: error.url, cause: error, ...context },
    );
  }
}

/** Error codes of a connection that was never made: nothing was sent, so nothing was admitted. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a connection failure happened before the request could be sent (refused, unknown
 * host, unreachable). Runtimes that do not say (browsers) count as sent.
 */
export function wasNeverSent(error: ConnectionError): boolean {
  const pending: unknown[] = [error.cause];
  for (let seen = 0; pending.length > 0 && seen < 16; seen++) {
    const next = pending.shift();
    if (typeof next !== 'object' || next === null) continue;
    const code = (next as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT.has(code)) return true;
    pending.push((next as { cause?: unknown }).cause);
    const errors = (next as { errors?: unknown }).errors;
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return false;
}
