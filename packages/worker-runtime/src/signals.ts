import { constants } from 'node:os';
import type { Logger } from '@uplink/http';

/** The part of the worker the signal handlers drive. */
export interface Stoppable {
  /** The validated settings (for the grace period). */
  readonly settings: { shutdownGraceMs: number };
  stop(options?: { graceMs?: number }): Promise<{ clean: boolean }>;
  forceStop(): Promise<{ clean: boolean }>;
}

/** Options for {@link installSignalHandlers}. */
export interface SignalHandlerOptions {
  /** @default silentLogger */
  logger?: Logger | undefined;
  /**
   * Signals that start a drain.
   * @default ['SIGINT', 'SIGTERM']
   */
  signals?: NodeJS.Signals[] | undefined;
  /**
   * Called with the exit code when the stop completes: 0 after a clean drain, 128 + the signal
   * number when forced (second signal) or when the grace period ran out.
   * @default process.exit
   */
  exit?: ((code: number) => void) | undefined;
}

/** The conventional exit code for a process stopped by `signal`: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * First SIGINT/SIGTERM: drain (`stop()` with the configured grace). Second: force (abort
 * in-flight tasks now). When the stop completes, `exit(0)` after a clean drain, else
 * `exit(128 + n)`. Returns a function that removes the handlers.
 */
export function installSignalHandlers(
  worker: Stoppable,
  options: SignalHandlerOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let first: NodeJS.Signals | undefined;
  let forced = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = signal;
      options.logger?.info('signal received; draining', { signal });
      void worker.stop({ graceMs: worker.settings.shutdownGraceMs }).then(
        (result) => exit(result.clean && !forced ? 0 : signalExitCode(signal)),
        () => exit(signalExitCode(signal)),
      );
      return;
    }
    if (forced) return;
    forced = true;
    options.logger?.warn('second signal; forcing the stop', { signal });
    void worker.forceStop();
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
