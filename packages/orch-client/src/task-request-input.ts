// docs/protocols/llama-orch.md §5.1 (TaskRequest).
import type { TaskRequest } from '@uplink/core-schemas/llama-orch';

/** A {@link TaskRequest} whose `task_id` and `session_id` may be left out (UUIDs are generated). */
export type TaskRequestInput = Omit<TaskRequest, 'task_id' | 'session_id'> & {
  /** Generated with `crypto.randomUUID()` when absent. */
  task_id?: string | undefined;
  /** Generated with `crypto.randomUUID()` when absent. */
  session_id?: string | undefined;
};

/**
 * A completion request: a {@link TaskRequestInput} whose `workload`, `priority` and
 * `deadline_ms` have defaults.
 */
export type CompletionRequest = Omit<TaskRequestInput, 'workload' | 'priority' | 'deadline_ms'> & {
  /** @default 'completion' */
  workload?: TaskRequest['workload'] | undefined;
  /** @default 'interactive' */
  priority?: TaskRequest['priority'] | undefined;
  /** @default 30000 */
  deadline_ms?: number | undefined;
};
