/**
 * Worker lifecycle states (after Temporal's worker state machine):
 * `idle → starting → running → stopping → draining → stopped`, and `failed` from any
 * non-final state when the worker cannot go on.
 */
export type WorkerState =
  | 'idle'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'draining'
  | 'stopped'
  | 'failed';

const TRANSITIONS: Record<WorkerState, readonly WorkerState[]> = {
  idle: ['starting', 'stopped'],
  starting: ['running', 'stopping', 'failed'],
  running: ['stopping', 'failed'],
  stopping: ['draining', 'stopped', 'failed'],
  draining: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

/** A state change, as passed to listeners. */
export interface WorkerStateChange {
  /** The state left. */
  from: WorkerState;
  /** The state entered. */
  to: WorkerState;
  /** Why, when known (a fatal error, a signal). */
  reason?: string | undefined;
}

/** The worker's state machine: guards transitions and notifies listeners. */
export class WorkerStateMachine {
  #state: WorkerState = 'idle';
  readonly #listeners = new Set<(change: WorkerStateChange) => void>();

  /** The current state. */
  get state(): WorkerState {
    return this.#state;
  }

  /** Whether `to` is allowed from the current state. */
  can(to: WorkerState): boolean {
    return TRANSITIONS[this.#state].includes(to);
  }

  /**
   * Move to `to`.
   * @throws Error when the transition is not allowed (a bug in the caller).
   */
  transition(to: WorkerState, reason?: string): void {
    if (!this.can(to)) throw new Error(`Invalid worker state transition ${this.#state} → ${to}`);
    const change: WorkerStateChange = { from: this.#state, to, reason };
    this.#state = to;
    for (const listener of this.#listeners) listener(change);
  }

  /** Listen to changes; returns the unsubscribe function. */
  subscribe(listener: (change: WorkerStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
