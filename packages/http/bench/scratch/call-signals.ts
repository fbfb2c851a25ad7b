/**
 * The abort state of one call across its attempts. It holds one listener per caller signal
 * (removed by `dispose()`), and forwards an abort to the current attempt's controller. That
 * controller, not the caller's signal, is what reaches `fetch`: undici keeps its listener on
 * a request's signal until garbage collection, so a long-lived caller signal passed straight
 * to `fetch` collects a listener per call (the MaxListenersExceeded bug class).
 */
export class CallSignals {
  /** Why the call was aborted (a caller's reason or one of our markers), once it was. */
  reason: unknown = undefined;
  /** True once any source aborted the call. */
  aborted = false;
  #attempt: AbortController | undefined;
  #sources: AbortSignal[] = NONE;
  /** Made when the first caller signal is linked: most calls have none. */
  #onAbort: ((event: Event) => void) | undefined;

  /** The client's, the call's and a stream's signal; most calls have none. */
  constructor(a: AbortSignal | undefined, b: AbortSignal | undefined, c: AbortSignal | undefined) {
    if (a) this.#link(a);
    if (b && !this.aborted) this.#link(b);
    if (c && !this.aborted) this.#link(c);
  }

  #link(signal: AbortSignal): void {
    if (signal.aborted) {
      this.abort(signal.reason);
      return;
    }
    this.#onAbort ??= (event: Event): void => this.abort((event.target as AbortSignal).reason);
    signal.addEventListener('abort', this.#onAbort);
    if (this.#sources === NONE) this.#sources = [];
    this.#sources.push(signal);
  }

  /** Abort the call (and its current attempt). The first reason wins. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.dispose();
    this.#attempt?.abort(reason);
  }

  /** A fresh controller for the next attempt (or wait), already aborted if the call is. */
  next(): AbortController {
    const controller = new AbortController();
    if (this.aborted) controller.abort(this.reason);
    this.#attempt = controller;
    return controller;
  }

  /** Remove every listener from the caller's signals. Idempotent. */
  dispose(): void {
    if (this.#sources === NONE) return;
    const onAbort = this.#onAbort as (event: Event) => void;
    for (const source of this.#sources) source.removeEventListener('abort', onAbort);
    this.#sources = NONE;
  }
}

/** The shared empty list of a call without caller signals (never pushed to). */
const NONE: AbortSignal[] = [];
