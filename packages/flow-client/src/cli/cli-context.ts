import type { ExecutionContext } from '@uplink/core-schemas/ai-spine';
import type { OutputStream } from './output.js';

/** What the CLI runs with: argv, environment and streams (injectable for tests). */
export interface CliContext {
  /** Environment: `AI_SPINE_API_KEY`, `AI_SPINE_BASE_URL`. */
  env: Record<string, string | undefined>;
  /** Results go here. */
  stdout: OutputStream;
  /** Messages, errors and the live status line go here. */
  stderr: OutputStream;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal | undefined;
  /** The `fetch` the client uses (tests). */
  fetch?: typeof fetch | undefined;
}

/** An execution ended in a way the CLI reports with exit code 3 after printing it. */
export class ExecutionEndedError extends Error {
  constructor(
    message: string,
    readonly execution: ExecutionContext,
  ) {
    super(message);
  }
}

/** Ctrl-C while waiting: the CLI stops, the run does not. Exit code 130. */
export class WaitInterruptedError extends Error {
  override name = 'WaitInterruptedError';
  constructor(readonly executionId: string) {
    super(
      `interrupted; execution ${executionId} keeps running on the server (resume with: ai-spine executions wait ${executionId})`,
    );
  }
}
