import { constants } from 'node:os';
import type { Logger } from '@uplink/http';
import { seconds } from './describe.js';

/** The part of the worker the signal handlers drive. */
export interface Stoppable {
  /** The validated settings (for the grace period). */
  readonly settings: { shutdownGraceMs: number };
  /** Ids of the tasks running now, counted in the log line. */
  readonly inFlight?: readonly string[];
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
   * Called once with the exit code: when the stop completes, 0 after a clean drain and 128 + the
   * signal number when forced (second signal) or when the grace period ran out; at once with
   * 128 + n on a third signal.
   * @default process.exit
   */
  exit?: ((code: number) => void) | undefined;
}

/** The conventional exit code for a process stopped by `signal`: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** How to send the signal again, in words a person at a terminal or an operator recognises. */
const again = (signal: NodeJS.Signals): string =>
  signal === 'SIGINT' ? 'press Ctrl-C again' : `send ${signal} again`;

/**
 * First SIGINT/SIGTERM: drain (`stop()` with the configured grace). Second: force (abort
 * in-flight tasks now; their handlers still get `abortGraceMs` to return). Third: exit at once.
 * When the stop completes, `exit(0)` after a clean drain, else `exit(128 + n)`; `exit` is called
 * once. Each step is logged at `info`/`warn`. Returns a function that removes the handlers.
 */
export function installSignalHandlers(
  worker: Stoppable,
  options: SignalHandlerOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const exitProcess = options.exit ?? ((code: number) => process.exit(code));
  let exited = false;
  const exit = (code: number): void => {
    if (exited) return;
    exited = true;
    exitProcess(code);
  };
  let first: NodeJS.Signals | undefined;
  let forced = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const tasks = worker.inFlight?.length ?? 0;
    if (first === undefined) {
      first = signal;
      options.logger?.info(
        tasks > 0
          ? `draining ${tasks} task(s) (up to ${seconds(worker.settings.shutdownGraceMs)}); ${again(signal)} to force`
          : `stopping (${signal}); no task in flight`,
        { signal },
      );
      void worker.stop({ graceMs: worker.settings.shutdownGraceMs }).then(
        (result) => exit(result.clean && !forced ? 0 : signalExitCode(signal)),
        () => exit(signalExitCode(signal)),
      );
      return;
    }
    if (forced) {
      options.logger?.warn(`exiting at once (${signal})`, { signal });
      exit(signalExitCode(first));
      return;
    }
    forced = true;
    options.logger?.warn(
      `forcing the stop: aborting ${tasks} task(s); ${again(signal)} to exit at once`,
      { signal },
    );
    void worker.forceStop();
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
