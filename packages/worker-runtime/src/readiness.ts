import type { Readiness } from './health-server.js';
import type { WorkerState } from './worker-state.js';

/**
 * `/readyz`: ready only while running, paired, and with a successful poll younger than
 * `maxAgeMs`; otherwise the reason, for the 503 body.
 */
export function computeReadiness(input: {
  state: WorkerState;
  paired: boolean;
  lastPollSuccessMs: number | undefined;
  maxAgeMs: number;
  nowMs?: number | undefined;
}): Readiness {
  if (input.state !== 'running') return { ready: false, reason: `worker is ${input.state}` };
  if (!input.paired) return { ready: false, reason: 'not paired yet' };
  if (input.lastPollSuccessMs === undefined) {
    return { ready: false, reason: 'no successful poll yet' };
  }
  const age = (input.nowMs ?? Date.now()) - input.lastPollSuccessMs;
  if (age > input.maxAgeMs) {
    return {
      ready: false,
      reason: `last successful poll was ${Math.round(age / 1000)} s ago (limit ${Math.round(input.maxAgeMs / 1000)} s)`,
    };
  }
  return { ready: true };
}
