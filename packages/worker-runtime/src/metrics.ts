/** Upper bounds (seconds) of the task duration histogram buckets. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800,
];

/** How a task ended, as counted in `uplink_worker_tasks_total`. */
export type TaskOutcome =
  | 'done'
  | 'failed'
  | 'invalid_payload'
  | 'unknown_type'
  | 'timeout'
  | 'shutdown';

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/**
 * In-process worker metrics, rendered in the Prometheus text format (version 0.0.4) by
 * {@link WorkerMetrics.render}. No dependency on a metrics library.
 */
export class WorkerMetrics {
  readonly #tasks = new Map<string, number>();
  readonly #durations = new Map<string, Histogram>();
  #pollErrors = 0;
  #polls = 0;
  #inFlight = 0;
  #lastPollSuccessMs: number | undefined;
  #lastDeliveryMs: number | undefined;
  /** Source of the gauges computed at render time (outbox size, worker state); set by the worker. */
  gauges: () => { outboxPending: number; state: string } = () => ({
    outboxPending: 0,
    state: 'idle',
  });

  /** Count a finished task and record its duration. */
  recordTask(type: string, outcome: TaskOutcome, durationMs: number): void {
    const key = `${type}\u0000${outcome}`;
    this.#tasks.set(key, (this.#tasks.get(key) ?? 0) + 1);
    let histogram = this.#durations.get(type);
    if (!histogram) {
      histogram = { counts: DURATION_BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 };
      this.#durations.set(type, histogram);
    }
    const seconds = durationMs / 1000;
    DURATION_BUCKETS_SECONDS.forEach((le, i) => {
      if (seconds <= le) histogram.counts[i] = (histogram.counts[i] ?? 0) + 1;
    });
    histogram.sum += seconds;
    histogram.count++;
  }

  /** Count a poll. */
  recordPoll(ok: boolean, atMs = Date.now()): void {
    this.#polls++;
    if (ok) this.#lastPollSuccessMs = atMs;
    else this.#pollErrors++;
  }

  /** Note that the platform accepted a status update (contact, for `/readyz`). */
  recordDelivery(atMs = Date.now()): void {
    this.#lastDeliveryMs = atMs;
  }

  /** Adjust the in-flight gauge. */
  addInFlight(delta: number): void {
    this.#inFlight += delta;
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Poll errors so far. */
  get pollErrors(): number {
    return this.#pollErrors;
  }

  /** When the last poll succeeded (epoch ms). */
  get lastPollSuccessMs(): number | undefined {
    return this.#lastPollSuccessMs;
  }

  /** When the platform last accepted a status update (epoch ms). */
  get lastDeliveryMs(): number | undefined {
    return this.#lastDeliveryMs;
  }

  /** Count of finished tasks for a type and outcome. */
  taskCount(type: string, outcome: TaskOutcome): number {
    return this.#tasks.get(`${type}\u0000${outcome}`) ?? 0;
  }

  /** Everything, in the Prometheus text exposition format. */
  render(): string {
    const lines: string[] = [];
    const { outboxPending, state } = this.gauges();
    lines.push('# HELP uplink_worker_tasks_total Tasks finished, by type and outcome.');
    lines.push('# TYPE uplink_worker_tasks_total counter');
    for (const [key, value] of this.#tasks) {
      const [type = '', outcome = ''] = key.split('\u0000');
      lines.push(`uplink_worker_tasks_total{type="${label(type)}",outcome="${outcome}"} ${value}`);
    }
    lines.push('# HELP uplink_worker_task_duration_seconds Task run time, from pickup to result.');
    lines.push('# TYPE uplink_worker_task_duration_seconds histogram');
    for (const [type, h] of this.#durations) {
      const t = label(type);
      DURATION_BUCKETS_SECONDS.forEach((le, i) => {
        lines.push(
          `uplink_worker_task_duration_seconds_bucket{type="${t}",le="${le}"} ${h.counts[i] ?? 0}`,
        );
      });
      lines.push(`uplink_worker_task_duration_seconds_bucket{type="${t}",le="+Inf"} ${h.count}`);
      lines.push(`uplink_worker_task_duration_seconds_sum{type="${t}"} ${h.sum}`);
      lines.push(`uplink_worker_task_duration_seconds_count{type="${t}"} ${h.count}`);
    }
    lines.push('# HELP uplink_worker_polls_total Polls of the task list.');
    lines.push('# TYPE uplink_worker_polls_total counter');
    lines.push(`uplink_worker_polls_total ${this.#polls}`);
    lines.push('# HELP uplink_worker_poll_errors_total Polls that failed.');
    lines.push('# TYPE uplink_worker_poll_errors_total counter');
    lines.push(`uplink_worker_poll_errors_total ${this.#pollErrors}`);
    lines.push('# HELP uplink_worker_tasks_in_flight Tasks running now.');
    lines.push('# TYPE uplink_worker_tasks_in_flight gauge');
    lines.push(`uplink_worker_tasks_in_flight ${this.#inFlight}`);
    lines.push(
      '# HELP uplink_worker_outbox_pending Status updates not yet accepted by the platform.',
    );
    lines.push('# TYPE uplink_worker_outbox_pending gauge');
    lines.push(`uplink_worker_outbox_pending ${outboxPending}`);
    lines.push(
      '# HELP uplink_worker_last_poll_success_timestamp_seconds When a poll last succeeded.',
    );
    lines.push('# TYPE uplink_worker_last_poll_success_timestamp_seconds gauge');
    lines.push(
      `uplink_worker_last_poll_success_timestamp_seconds ${(this.#lastPollSuccessMs ?? 0) / 1000}`,
    );
    lines.push(
      '# HELP uplink_worker_last_delivery_timestamp_seconds When the platform last accepted a status update.',
    );
    lines.push('# TYPE uplink_worker_last_delivery_timestamp_seconds gauge');
    lines.push(
      `uplink_worker_last_delivery_timestamp_seconds ${(this.#lastDeliveryMs ?? 0) / 1000}`,
    );
    lines.push('# HELP uplink_worker_state The worker state (1 for the current one).');
    lines.push('# TYPE uplink_worker_state gauge');
    lines.push(`uplink_worker_state{state="${label(state)}"} 1`);
    return `${lines.join('\n')}\n`;
  }
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
