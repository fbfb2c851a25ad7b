// docs/protocols/agent-sdk.md §1.10: one run's events over the gateway, deduplicated by seq
// (a resubscription from the last seq seen repeats it), ended by the client at the terminal
// event (the server stops silently), resubscribed from `lastSeq + 1` after a gap or a silence.
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { isTerminalEnvelope } from '@uplink/core-schemas/agent-sdk';
import { abortError } from '../resume-driver.js';
import { SeqTracker } from '../seq-tracker.js';

/** Why a subscription asks to be resubscribed. */
export type ResubscribeReason = 'gap' | 'idle' | 'reconnect' | 'server-error';

/** What a subscription needs from the client. */
export interface SubscriptionHooks {
  /** Send `subscribe {run_id, from_seq}` again (the client counts and bounds these). */
  resubscribe(subscription: GatewaySubscription, reason: ResubscribeReason): void;
  /**
   * Fill a gap from the HTTP replay, when the client has one: resolves with the events from
   * `fromSeq` on. Without it, a gap is filled by resubscribing.
   */
  replay?: ((runId: string, fromSeq: number) => Promise<readonly StreamEnvelope[]>) | undefined;
}

/** A bounded buffer of events between the socket and one consumer. */
export class GatewaySubscription {
  readonly runId: string;
  readonly tracker: SeqTracker;
  /** Resubscriptions in a row without a new event. */
  resubscribes = 0;
  readonly #hooks: SubscriptionHooks;
  readonly #idleMs: number;
  readonly #queue: StreamEnvelope[] = [];
  #waiter: { resolve(): void } | undefined;
  #failure: unknown;
  #ended = false;
  /** Events that arrived while a replay fills a gap; taken in again after it. */
  #held: StreamEnvelope[] | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(runId: string, fromSeq: number, idleMs: number, hooks: SubscriptionHooks) {
    this.runId = runId;
    this.tracker = new SeqTracker(fromSeq);
    this.#idleMs = idleMs;
    this.#hooks = hooks;
  }

  /** Whether the terminal event was taken in, or the subscription failed. */
  get finished(): boolean {
    return this.#ended || this.#failure !== undefined;
  }

  /** Take in one event of this run. */
  push(envelope: StreamEnvelope): void {
    if (this.finished) return;
    if (this.#held) {
      this.#held.push(envelope);
      return;
    }
    const verdict = this.tracker.accept(envelope);
    if (verdict.kind === 'duplicate') return;
    if (verdict.kind === 'gap') {
      if (this.#hooks.replay) this.#fill(envelope, this.#hooks.replay);
      else this.#hooks.resubscribe(this, 'gap');
      return;
    }
    this.resubscribes = 0;
    this.#take(envelope);
  }

  /** Queue an accepted event for the consumer. */
  #take(envelope: StreamEnvelope): void {
    this.#queue.push(envelope);
    if (isTerminalEnvelope(envelope)) {
      this.#ended = true;
      this.#stopIdle();
    } else {
      this.armIdle();
    }
    this.#wake();
  }

  /**
   * Fill a gap from the replay, holding live events meanwhile; a replay that fails or lacks the
   * events falls back to resubscribing.
   */
  #fill(trigger: StreamEnvelope, replay: NonNullable<SubscriptionHooks['replay']>): void {
    this.#held = [trigger];
    replay(this.runId, this.tracker.nextSeq).then(
      (events) => this.#release(events),
      () => this.#release([]),
    );
  }

  #release(events: readonly StreamEnvelope[]): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    const before = this.tracker.lastSeq;
    for (const envelope of [...events, ...held]) {
      if (this.finished) return;
      const verdict = this.tracker.accept(envelope);
      if (verdict.kind === 'gap') {
        // Still missing: the gateway may have them (a resubscription replays its history from
        // lastSeq + 1, so the rest held here comes again).
        this.#hooks.resubscribe(this, 'gap');
        break;
      }
      if (verdict.kind === 'duplicate') continue;
      this.#take(envelope);
    }
    if (this.tracker.lastSeq > before) this.resubscribes = 0;
  }

  /** End the subscription with `error` once the events before it are taken. */
  fail(error: unknown): void {
    if (this.finished) return;
    this.#failure = error;
    this.#stopIdle();
    this.#wake();
  }

  /** (Re)start the silence timer: a silent subscription is resubscribed. */
  armIdle(): void {
    if (this.finished) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      this.#hooks.resubscribe(this, 'idle');
    }, this.#idleMs);
  }

  /** Release the timer (the consumer left). */
  dispose(): void {
    this.#ended = true;
    this.#stopIdle();
    this.#wake();
  }

  /** The next event; `undefined` after the terminal one. Rejects with the failure, or on abort. */
  async next(signal: AbortSignal): Promise<StreamEnvelope | undefined> {
    for (;;) {
      const envelope = this.#queue.shift();
      if (envelope) return envelope;
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#ended) return undefined;
      if (signal.aborted) throw abortError(signal.reason);
      await new Promise<void>((resolve) => {
        const onAbort = (): void => done();
        const done = (): void => {
          signal.removeEventListener('abort', onAbort);
          this.#waiter = undefined;
          resolve();
        };
        this.#waiter = { resolve: done };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  #wake(): void {
    this.#waiter?.resolve();
  }

  #stopIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}
