/** A signal combined from several, and the function that detaches it from its sources. */
export interface CombinedSignal {
  /** Aborts as soon as any source aborts, with that source's reason. */
  signal: AbortSignal;
  /** Remove every listener this combination added. Safe to call more than once. */
  dispose(): void;
}

/**
 * Combine signals without leaking: one listener per source, removed by `dispose()` or as
 * soon as any source fires. `AbortSignal.any` keeps its sources linked until garbage
 * collection, which is why a long-lived caller signal is combined here instead.
 */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): CombinedSignal {
  const controller = new AbortController();
  const sources: AbortSignal[] = [];
  const dispose = (): void => {
    for (const source of sources) source.removeEventListener('abort', onAbort);
    sources.length = 0;
  };
  function onAbort(this: AbortSignal): void {
    dispose();
    controller.abort(this.reason);
  }
  for (const source of signals) {
    if (!source) continue;
    if (source.aborted) {
      dispose();
      controller.abort(source.reason);
      break;
    }
    source.addEventListener('abort', onAbort);
    sources.push(source);
  }
  return { signal: controller.signal, dispose };
}
