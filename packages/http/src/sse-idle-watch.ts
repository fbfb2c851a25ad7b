// The idle timeout of an SSE stream: time counts only while a read waits for bytes (time the
// consumer spends between events is not idle), on a monotonic clock (a wall-clock step is not
// idle either).

/**
 * Let a timer not keep a Node process alive on its own (a no-op in browsers, where timers
 * are numbers): while a read waits, the connection keeps the process alive anyway, and a
 * stream that was let go without being closed must not hold it open until the timer fires.
 */
export function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * One timer per stream, re-armed lazily (cheap even at a million events), and only while a
 * read waits for bytes: when it fires with no read pending (the consumer is busy, or has let
 * go of the stream) it is not re-armed until the next read, so a stream nobody reads holds
 * no timer.
 */
export class IdleWatch {
  readonly #timeoutMs: number;
  readonly #onIdle: () => void;
  readonly #stopped: () => boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` of the last read. */
  #lastActivity = 0;
  /** True only while waiting for bytes. */
  #reading = false;

  /** `onIdle` runs once `timeoutMs` pass in reads; nothing is armed once `stopped()`. */
  constructor(timeoutMs: number, onIdle: () => void, stopped: () => boolean) {
    this.#timeoutMs = timeoutMs;
    this.#onIdle = onIdle;
    this.#stopped = stopped;
  }

  /** A read starts waiting for bytes. */
  readStarted(): void {
    this.#lastActivity = performance.now();
    this.#reading = true;
    if (this.#timer === undefined) this.#arm();
  }

  /** The read has its bytes (or failed). */
  readEnded(): void {
    this.#reading = false;
    this.#lastActivity = performance.now();
  }

  /** Stop the timer (the body ended, or the stream was released). */
  clear(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (!(this.#timeoutMs > 0) || this.#stopped()) return;
    this.#timer = unref(setTimeout(this.#fire, this.#timeoutMs));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    if (!this.#reading || this.#stopped()) return;
    const elapsed = performance.now() - this.#lastActivity;
    if (elapsed >= this.#timeoutMs) this.#onIdle();
    else this.#timer = unref(setTimeout(this.#fire, this.#timeoutMs - elapsed));
  };
}
