// docs/protocols/agent-sdk.md §1.8: a stream that lost its terminal event never ends and sends
// nothing. While a stream is silent, the run's status is asked now and then (first after
// `firstMs`, then at doubling intervals up to `maxMs`); a final status means the rest is
// waiting in the replay, so the stream is resumed at once rather than at the idle timeout.

/** Settings of a {@link StallProbe}. */
export interface StallProbeOptions {
  /** Silence before the first status check. */
  firstMs: number;
  /** Longest wait between checks. */
  maxMs: number;
  /** Whether the run has reached a final status. Failures count as "not yet". */
  isFinished: (signal: AbortSignal) => Promise<boolean>;
  /** Called once when a check says the run has finished while the stream is silent. */
  onStalled: () => void;
}

/**
 * Watches one wait for the next event: `arm()` when the wait starts, `disarm()` when an event
 * arrives or the wait ends. Holds at most one timer and one check, both released by `disarm()`.
 */
export class StallProbe {
  readonly #options: StallProbeOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #check: AbortController | undefined;
  /** Bumped by every arm/disarm, so a check that finishes late is ignored. */
  #generation = 0;

  constructor(options: StallProbeOptions) {
    this.#options = options;
  }

  /** Whether a timer or a check is pending. */
  get active(): boolean {
    return this.#timer !== undefined || this.#check !== undefined;
  }

  /** Start watching a silence: the first check comes after `firstMs`. */
  arm(): void {
    this.disarm();
    this.#schedule(this.#generation, this.#options.firstMs);
  }

  /** Stop watching: clear the timer and abandon a check in flight. */
  disarm(): void {
    // Stryker disable next-line UpdateOperator: any change of the number makes older timers and checks stale
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#check?.abort();
    this.#check = undefined;
  }

  #schedule(generation: number, delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#probe(generation, delayMs);
    }, delayMs);
  }

  async #probe(generation: number, delayMs: number): Promise<void> {
    const check = new AbortController();
    this.#check = check;
    let finished = false;
    try {
      finished = await this.#options.isFinished(check.signal);
    } catch {
      // A check that failed says nothing about the run: keep waiting.
    }
    if (generation !== this.#generation) return;
    this.#check = undefined;
    if (finished) {
      // Stryker disable next-line UpdateOperator: any change of the number makes older timers and checks stale
      this.#generation++;
      this.#options.onStalled();
      return;
    }
    this.#schedule(generation, Math.min(this.#options.maxMs, delayMs * 2));
  }
}
