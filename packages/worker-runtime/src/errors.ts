import { UplinkError, type UplinkErrorOptions } from '@uplink/core-schemas';

/** Options for {@link TaskExecutionError}. */
export interface TaskExecutionErrorOptions extends UplinkErrorOptions {
  /** Detail sent as `result.error` (redacted, truncated to 3000 characters). */
  error?: string | undefined;
  /** Extra fields merged into the failure result. */
  details?: Record<string, unknown> | undefined;
}

/**
 * Throw from a handler to choose the failure `reason` reported to the platform
 * (`{reason, error}`, docs/protocols/luml.md §5.4). Any other thrown error is reported as
 * `{reason: 'handler error', error: <message>}`.
 */
export class TaskExecutionError extends UplinkError {
  static override readonly errorName: string = 'TaskExecutionError';
  /** Short reason, sent as `result.reason`. */
  readonly reason: string;
  /** Longer detail, sent as `result.error`. */
  readonly error: string | undefined;
  /** Extra result fields. */
  readonly details: Record<string, unknown> | undefined;
  constructor(reason: string, options: TaskExecutionErrorOptions = {}) {
    super(options.error ? `${reason}: ${options.error}` : reason, options);
    this.reason = reason;
    this.error = options.error;
    this.details = options.details;
  }
}

/** Pairing was refused for a reason retrying cannot fix (bad token, bad capabilities, bad URL). */
export class PairingError extends UplinkError {
  static override readonly errorName: string = 'PairingError';
}

/**
 * Why a download failed: a bad checksum, an unsafe server-supplied name, gave up resuming, a
 * redirect to a non-http(s) URL or too many redirects, or the partial file was replaced by
 * someone else while it was written.
 */
export type DownloadErrorCode =
  | 'checksum_mismatch'
  | 'unsafe_file_name'
  | 'incomplete'
  | 'unsafe_redirect'
  | 'too_many_redirects'
  | 'unsafe_partial_file';

/** {@link downloadFile} failed for a reason retrying cannot fix; see {@link DownloadErrorCode}. */
export class DownloadError extends UplinkError {
  static override readonly errorName: string = 'DownloadError';
  /** Why it failed. */
  readonly code: DownloadErrorCode;
  /** The URL without its query string (presigned URLs carry signatures). */
  readonly url: string | undefined;
  constructor(
    message: string,
    init: UplinkErrorOptions & { code: DownloadErrorCode; url?: string },
  ) {
    super(message, init);
    this.code = init.code;
    this.url = init.url;
  }
}

/**
 * Why a {@link WorkerFatalError} stopped the worker: the platform refused the satellite token
 * (401/403, at pairing or while polling), the platform stayed unreachable past
 * `pairTimeoutMs`, another worker holds the state directory, or anything else.
 */
export type WorkerFatalCode =
  | 'token_refused'
  | 'platform_unreachable'
  | 'state_dir_locked'
  | 'failed';

/** The worker stopped because it cannot go on (for example a 401/403 from the platform). */
export class WorkerFatalError extends UplinkError {
  static override readonly errorName: string = 'WorkerFatalError';
  /** Why; `runWorker` chooses the exit code from it. */
  readonly code: WorkerFatalCode;
  constructor(message: string, init: UplinkErrorOptions & { code?: WorkerFatalCode } = {}) {
    super(message, init);
    this.code = init.code ?? 'failed';
  }
}

/**
 * Another worker holds the state directory (its `worker.lock`). The platform has no task claims,
 * so a second worker on the same satellite would run tasks twice; `start()` refuses instead.
 */
export class StateDirectoryLockedError extends WorkerFatalError {
  static override readonly errorName: string = 'StateDirectoryLockedError';
  /** Path of the lock file. */
  readonly lockPath: string;
  /** PID recorded by the holder, when it could be read. */
  readonly holderPid: number | undefined;
  constructor(
    message: string,
    init: UplinkErrorOptions & { lockPath: string; holderPid: number | undefined },
  ) {
    super(message, { ...init, code: 'state_dir_locked' });
    this.lockPath = init.lockPath;
    this.holderPid = init.holderPid;
  }
}
