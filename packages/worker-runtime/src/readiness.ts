import type { Readiness } from './health-server.js';
import type { WorkerState } from './worker-state.js';

/** What {@link computeReadiness} looks at. */
export interface ReadinessInput {
  state: WorkerState;
  paired: boolean;
  /** When a poll last succeeded (epoch ms). */
  lastPollSuccessMs: number | undefined;
  /** When the platform last accepted a status update (epoch ms). */
  lastDeliveryMs?: number | undefined;
  /**
   * The polling loop holds its polls on purpose: tasks it took are still queued, or every slot
   * is taken. It polls again once they have started.
   */
  busy?: boolean | undefined;
  /** Status updates the platform has not accepted yet. */
  outboxPending?: number | undefined;
  maxAgeMs: number;
  nowMs?: number | undefined;
}

const seconds = (ms: number): number => Math.round(ms / 1000);

/**
 * `/readyz`: ready while running and paired, when the platform was in contact within
 * `maxAgeMs` (a successful poll, or a status update it accepted). A worker busy with tasks it
 * already took does not poll (the queue holds them until it has room) and may not report
 * anything for a while (a long task): while busy with nothing left to deliver it stays ready,
 * since restarting it would only interrupt that work. Busy with updates the platform has not
 * accepted for `maxAgeMs` is not ready: the platform cannot be reached. Otherwise the reason,
 * for the 503 body.
 */
export function computeReadiness(input: ReadinessInput): Readiness {
  if (input.state !== 'running') return { ready: false, reason: `worker is ${input.state}` };
  if (!input.paired) return { ready: false, reason: 'not paired yet' };
  const { lastPollSuccessMs: poll, lastDeliveryMs: delivery } = input;
  if (poll === undefined && delivery === undefined) {
    return { ready: false, reason: 'no successful poll yet' };
  }
  const now = input.nowMs ?? Date.now();
  const contact = Math.max(poll ?? Number.NEGATIVE_INFINITY, delivery ?? Number.NEGATIVE_INFINITY);
  if (now - contact <= input.maxAgeMs) return { ready: true };
  if (input.busy && (input.outboxPending ?? 0) === 0) return { ready: true };
  const polled =
    poll === undefined
      ? 'no successful poll yet'
      : `last successful poll was ${seconds(now - poll)} s ago`;
  const delivered =
    delivery === undefined ? '' : `, last accepted status update ${seconds(now - delivery)} s ago`;
  const pending =
    input.busy && input.outboxPending
      ? `; busy with ${input.outboxPending} status update(s) not accepted yet`
      : '';
  return {
    ready: false,
    reason: `${polled}${delivered}${pending} (limit ${seconds(input.maxAgeMs)} s)`,
  };
}
