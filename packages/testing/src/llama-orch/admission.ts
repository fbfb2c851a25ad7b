// docs/protocols/llama-orch.md §5.3 (admission queue) and §5.4 (server sentinels).
import type { ServerTaskRequest } from './state.js';

/** An HTTP answer decided before routing continues. */
export interface Rejection {
  status: number;
  body?: Record<string, unknown> | undefined;
  text?: string | undefined;
  headers?: Record<string, string> | undefined;
}

const backpressure = (
  code: string,
  policyLabel: string,
  retryAfterMs = 1000,
  message = 'queue full policies applied',
): Rejection => ({
  status: 429,
  body: {
    code,
    message,
    engine: 'llamacpp',
    retriable: true,
    retry_after_ms: retryAfterMs,
    policy_label: policyLabel,
  },
  headers: {
    'retry-after': String(Math.max(1, Math.floor(retryAfterMs / 1000))),
    'x-backoff-ms': String(retryAfterMs),
  },
});

/** The full-queue answer (§5.3). */
export const QUEUE_FULL_REJECTION: Rejection = backpressure('ADMISSION_REJECT', 'reject');

/** Apply the server's sentinels in the server's order (§5.4); `undefined` when none fires. */
export function checkSentinels(request: ServerTaskRequest): Rejection | undefined {
  if (request.ctx < 0) {
    return {
      status: 400,
      body: { code: 'INVALID_PARAMS', message: 'ctx must be >= 0', engine: 'llamacpp' },
    };
  }
  if (request.deadline_ms <= 0) {
    return {
      status: 400,
      body: { code: 'DEADLINE_UNMET', message: 'deadline_ms must be > 0', engine: 'llamacpp' },
    };
  }
  if (request.model_ref === 'pool-unavailable') {
    return {
      status: 503,
      body: {
        code: 'POOL_UNAVAILABLE',
        message: 'pool unavailable',
        engine: 'llamacpp',
        retriable: true,
        retry_after_ms: 1000,
        policy_label: 'retry',
      },
    };
  }
  if (request.prompt === 'cause-internal') {
    return {
      status: 500,
      body: { code: 'INTERNAL', message: 'internal error', engine: 'llamacpp' },
    };
  }
  const expected = request.expected_tokens ?? 0;
  if (expected >= 2_000_000) return backpressure('QUEUE_FULL_DROP_LRU', 'drop-lru');
  if (expected >= 1_000_000) return backpressure('ADMISSION_REJECT', 'reject');
  return undefined;
}

/** What {@link AdmissionQueue.admit} decided. */
export type AdmitResult =
  | { admitted: true; queuePosition: number; dropped?: string | undefined }
  | { admitted: false };

/**
 * The bounded two-FIFO queue (`interactive`, `batch`). As upstream, nothing dequeues on its
 * own: streaming and cancel keep their slot; `release` exists for `releaseOnStreamEnd`. Like
 * upstream it pushes unconditionally: a task id admitted twice holds two entries.
 */
export class AdmissionQueue {
  /** Task ids waiting in the interactive class, oldest first. */
  readonly interactive: string[] = [];
  /** Task ids waiting in the batch class, oldest first. */
  readonly batch: string[] = [];

  constructor(
    readonly capacity: number,
    readonly policy: 'reject' | 'drop-lru',
  ) {}

  /** Items held across both classes. */
  get size(): number {
    return this.interactive.length + this.batch.length;
  }

  /** Admit `taskId` into its class, or refuse (reject) / drop the oldest item (drop-lru). */
  admit(taskId: string, priority: 'interactive' | 'batch'): AdmitResult {
    let dropped: string | undefined;
    if (this.size >= this.capacity) {
      if (this.policy === 'reject' || this.capacity <= 0) return { admitted: false };
      dropped = this.batch.shift() ?? this.interactive.shift();
    }
    const fifo = priority === 'batch' ? this.batch : this.interactive;
    fifo.push(taskId);
    // The server reports the position of the id's first entry in its class.
    return { admitted: true, queuePosition: fifo.indexOf(taskId), dropped };
  }

  /** Whether any entry of `taskId` is queued. */
  holds(taskId: string): boolean {
    return this.interactive.includes(taskId) || this.batch.includes(taskId);
  }

  /** Remove the first entry of `taskId` (interactive class first), as upstream's `cancel` does. */
  release(taskId: string): void {
    for (const fifo of [this.interactive, this.batch]) {
      const at = fifo.indexOf(taskId);
      if (at >= 0) {
        fifo.splice(at, 1);
        return;
      }
    }
  }

  /** Empty both classes (a server restart, as far as the queue is concerned). */
  clear(): void {
    this.interactive.length = 0;
    this.batch.length = 0;
  }
}
