import { ConfigurationError, isUplinkError } from '@uplink/core-schemas';
import { readProcessEnv } from '@uplink/http';
import type { LineSink } from '@uplink/http/node';
import { PairingError, WorkerFatalError } from './errors.js';
import { Worker } from './worker.js';
import { debugRequested } from './worker-logger.js';
import { reportedByRunner, type WorkerOptions } from './worker-options.js';

/**
 * Exit codes of a worker process run with {@link runWorker} (and its signal handlers). Stable:
 * supervisors and scripts may rely on them. The fatal ones follow the BSD `sysexits.h` codes.
 */
export const WORKER_EXIT_CODES = {
  /** Stopped cleanly (a signal drained every task in time, or `stop()` was called). */
  ok: 0,
  /** The platform stayed unreachable for `LUML_PAIR_TIMEOUT` (`EX_UNAVAILABLE`). */
  unavailable: 69,
  /**
   * Any other fatal error (`EX_SOFTWARE`): the platform refused to pair for another reason
   * than the token, another worker holds the state directory, or an unexpected failure.
   */
  fatal: 70,
  /** The platform refused the satellite token, HTTP 401 or 403, at pairing or while polling (`EX_NOPERM`). */
  auth: 77,
  /** A bad or missing setting, a bad `UPLINK_LOG`, or handlers that declare no capability (`EX_CONFIG`). */
  configuration: 78,
} as const;

/** Where {@link runWorker} writes and how it exits; injectable for tests. */
export interface RunWorkerIo {
  /** Where the one-line error goes. @default process.stderr */
  stderr?: LineSink | undefined;
  /** Ends the process. @default process.exit */
  exit?: ((code: number) => void) | undefined;
}

/** The exit code for an error that stopped the worker. */
export function workerExitCode(error: unknown): number {
  if (error instanceof ConfigurationError) return WORKER_EXIT_CODES.configuration;
  if (error instanceof WorkerFatalError) {
    if (error.code === 'token_refused') return WORKER_EXIT_CODES.auth;
    if (error.code === 'platform_unreachable') return WORKER_EXIT_CODES.unavailable;
  }
  return WORKER_EXIT_CODES.fatal;
}

/** One line that says what is wrong and what to check; never a stack. */
export function describeWorkerError(error: unknown): string {
  let text: string;
  if (error instanceof ConfigurationError) {
    text = error.problems
      .map((p) => (p.setting ? `${p.setting}: ${p.message}` : p.message))
      .join('; ');
  } else if (error instanceof WorkerFatalError || error instanceof PairingError) {
    text = error.message;
  } else if (isUplinkError(error)) {
    text = `${error.name}: ${error.message}`;
  } else {
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    text = `${shown} (UPLINK_LOG=debug shows the stack)`;
  }
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** The stack and every cause's, for `UPLINK_LOG=debug`. */
function stackOf(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const stack = current instanceof Error ? current.stack : String(current);
    parts.push(depth === 0 ? `${stack}` : `caused by: ${stack}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return `${parts.join('\n')}\n`;
}

/**
 * Run a worker as the program: build it, start it, and wait until it stops. The documented
 * way to run a satellite from a script.
 *
 * - Its log lines (paired, polling, each task, retries, draining, stopped) go to stderr; see
 *   `WorkerOptions.logger` and `UPLINK_LOG`.
 * - A startup problem (a missing or bad setting, the platform refusing the token or the
 *   pairing, the platform unreachable past `LUML_PAIR_TIMEOUT`), or a fatal error later (the
 *   token refused while polling), is printed as one line, `error: <what is wrong and what to
 *   check>`, and the process exits with a {@link WORKER_EXIT_CODES} code. No stack trace unless
 *   `UPLINK_LOG=debug`.
 * - SIGINT/SIGTERM drain, a second signal forces, a third exits at once (see
 *   `WorkerOptions.handleSignals`); the exit code is then 0 after a clean drain, else 128 + the
 *   signal's number.
 *
 * Resolves when the worker has stopped without a fatal error.
 *
 * @example
 * await runWorker({ handlers: [deploy] });
 */
export async function runWorker(options: WorkerOptions = {}, io: RunWorkerIo = {}): Promise<void> {
  const stderr = io.stderr ?? process.stderr;
  const exit = io.exit ?? ((code: number) => process.exit(code));
  const own: WorkerOptions = { ...options };
  reportedByRunner.add(own);
  try {
    await new Worker(own).run();
  } catch (error) {
    stderr.write(`error: ${describeWorkerError(error)}\n`);
    if (debugRequested(options.env ?? readProcessEnv())) stderr.write(stackOf(error));
    exit(workerExitCode(error));
  }
}
