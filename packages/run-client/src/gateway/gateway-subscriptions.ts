// docs/protocols/agent-sdk.md §1.10 and §6: the subscriptions of one gateway client, each kept
// gap-free across gaps, silences, server errors and reconnects by resubscribing from
// `lastSeq + 1` (or by the HTTP replay, when one is given).
import { AbortError, type UplinkError } from '@uplink/core-schemas';
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import type { Logger } from '@uplink/http';
import { RunStreamError } from '../run-stream-error.js';
import { GatewayError } from './gateway-error.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import type { GatewaySocket } from './gateway-socket.js';
import { GatewaySubscription, type ResubscribeReason } from './gateway-subscription.js';

/** What the registry needs from its client. */
export interface SubscriptionsHost {
  options: ResolvedGatewayOptions;
  logger: Logger;
  /** The open connection, or one being opened. */
  ready(): Promise<GatewaySocket>;
  /** The connection now, if any (a resubscribe waits for the reconnect otherwise). */
  socket(): GatewaySocket | undefined;
  /** Whether the client was closed. */
  closed(): boolean;
}

/** The subscriptions of one gateway client, by run id. */
export class GatewaySubscriptions {
  readonly #host: SubscriptionsHost;
  readonly #byRun = new Map<string, GatewaySubscription>();

  constructor(host: SubscriptionsHost) {
    this.#host = host;
  }

  /** How many subscriptions are open. */
  get size(): number {
    return this.#byRun.size;
  }

  /** Subscribe and hand out the run's events until the terminal one. */
  async *follow(
    runId: string,
    fromSeq: number,
    signal: AbortSignal,
  ): AsyncGenerator<StreamEnvelope, void> {
    this.#byRun.get(runId)?.fail(new AbortError('A newer subscription to this run replaced it'));
    const { options } = this.#host;
    const replay = options.replay;
    const subscription = new GatewaySubscription(
      runId,
      fromSeq,
      options.subscriptionIdleTimeoutMs,
      {
        resubscribe: (sub, reason) => this.resubscribe(sub, reason),
        replay: replay ? (id, from) => replay(id, from, signal) : undefined,
      },
    );
    this.#byRun.set(runId, subscription);
    let complete = false;
    try {
      const socket = await this.#host.ready();
      await socket.request('subscribe', { run_id: runId, from_seq: fromSeq }, { signal });
      subscription.armIdle();
      for (;;) {
        const envelope = await subscription.next(signal);
        if (envelope === undefined) {
          complete = true;
          return;
        }
        yield envelope;
      }
    } finally {
      subscription.dispose();
      if (this.#byRun.get(runId) === subscription) this.#byRun.delete(runId);
      const socket = this.#host.socket();
      if (!complete && socket?.open) socket.notify('unsubscribe', { run_id: runId });
    }
  }

  /** An `event` frame: to the run's subscription, if any. */
  route(envelope: StreamEnvelope): void {
    this.#byRun.get(envelope.run_id)?.push(envelope);
  }

  /** An event of `runId` that does not validate: fails its subscription; false when none. */
  failBadEvent(runId: string | undefined, error: Error): boolean {
    const subscription = runId === undefined ? undefined : this.#byRun.get(runId);
    if (!subscription) return false;
    subscription.fail(
      new RunStreamError(error.message, {
        code: 'malformed',
        lastSeq: subscription.tracker.lastSeq,
        runId,
        cause: error,
      }),
    );
    return true;
  }

  /** Forget `runId`'s subscription (an explicit `unsubscribe`). */
  drop(runId: string): void {
    this.#byRun.get(runId)?.dispose();
    this.#byRun.delete(runId);
  }

  /** Resume every subscription (after a reconnect or an unattributed server error). */
  resubscribeAll(reason: ResubscribeReason): void {
    for (const subscription of this.#byRun.values()) this.resubscribe(subscription, reason);
  }

  /** End every subscription with `error` and forget them. */
  failAll(error: unknown): void {
    for (const subscription of this.#byRun.values()) subscription.fail(error as UplinkError);
    this.#byRun.clear();
  }

  /**
   * Subscribe again from the next seq, at most `maxResubscribes` times in a row without a new
   * event; a run the gateway no longer holds fails `truncated`.
   */
  resubscribe(subscription: GatewaySubscription, reason: ResubscribeReason): void {
    const { options, logger } = this.#host;
    if (subscription.finished || this.#host.closed()) return;
    subscription.resubscribes++;
    if (subscription.resubscribes > options.maxResubscribes) {
      subscription.fail(
        new RunStreamError(
          `The gateway subscription to run ${subscription.runId} was resubscribed ${options.maxResubscribes} time(s) without a new event (last: ${reason}); last seq delivered: ${subscription.tracker.lastSeq}`,
          {
            code: reason === 'gap' ? 'gap' : 'truncated',
            lastSeq: subscription.tracker.lastSeq,
            runId: subscription.runId,
            retriable: true,
          },
        ),
      );
      return;
    }
    const fromSeq = subscription.tracker.nextSeq;
    logger.debug('gateway resubscribe', { runId: subscription.runId, fromSeq, reason });
    subscription.armIdle();
    const socket = this.#host.socket();
    if (!socket?.open) return; // The reconnect resubscribes everything.
    socket
      .request('subscribe', { run_id: subscription.runId, from_seq: fromSeq })
      .catch((error: unknown) => {
        if (error instanceof GatewayError && error.code === 'RUN_NOT_FOUND') {
          subscription.fail(
            new RunStreamError(
              `Run ${subscription.runId} is no longer held by the gateway, so its subscription cannot be resumed; last seq delivered: ${subscription.tracker.lastSeq}`,
              {
                code: 'truncated',
                lastSeq: subscription.tracker.lastSeq,
                runId: subscription.runId,
                cause: error,
              },
            ),
          );
        }
        // Timeouts and drops are handled by the idle timer and the reconnect.
      });
  }
}
