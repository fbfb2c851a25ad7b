import { type BaseIssue, getDotPath } from 'valibot';
import { UplinkError, type UplinkErrorOptions } from './uplink-error.js';

/** One schema mismatch, reduced to what a reader needs. */
export interface ValidationProblem {
  /** Dot path to the bad value (`items.0.id`), or `''` for the root. */
  path: string;
  /** What the schema expected there, in valibot's words (`string`, `"done" | "failed"`). */
  expected: string | null;
  /** What was received there. */
  received: string;
  /** valibot's message. */
  message: string;
}

/** Context for a {@link ResponseValidationError}. */
export interface ResponseValidationErrorInit extends UplinkErrorOptions {
  /** The raw valibot issues. */
  issues: readonly BaseIssue<unknown>[];
  /** What was being validated, for the message (`GET /satellites/v1/tasks`, `SSE event token`). */
  subject?: string | undefined;
  /** HTTP method, when a response was validated. */
  method?: string | undefined;
  /** Redacted URL, when a response was validated. */
  url?: string | undefined;
  /** HTTP status of the response, when one was validated. */
  status?: number | undefined;
  /** Request id, when known. */
  requestId?: string | undefined;
}

/** Flatten valibot issues (including nested union issues) into path/expected/received rows. */
export function summariseIssues(issues: readonly BaseIssue<unknown>[]): ValidationProblem[] {
  return issues.map((issue) => ({
    path: getDotPath(issue) ?? '',
    expected: issue.expected,
    received: issue.received,
    message: issue.message,
  }));
}

/**
 * A server answered with data that does not match the wire schema. The message names the
 * first bad path and what was expected there, so the mismatch can be fixed from the log line.
 */
export class ResponseValidationError extends UplinkError {
  static override readonly errorName: string = 'ResponseValidationError';
  /** Every mismatch found, with its path. */
  readonly problems: ValidationProblem[];
  /** The path of the first mismatch (`''` for the root). */
  readonly path: string;
  /** HTTP method, when a response was validated. */
  readonly method: string | undefined;
  /** Redacted URL, when a response was validated. */
  readonly url: string | undefined;
  /** HTTP status, when a response was validated. */
  readonly status: number | undefined;
  /** Request id, when known. */
  readonly requestId: string | undefined;
  /** The raw valibot issues (not enumerable, so `toJSON()` stays small). */
  declare readonly issues: readonly BaseIssue<unknown>[];

  constructor(init: ResponseValidationErrorInit) {
    const problems = summariseIssues(init.issues);
    const first = problems[0];
    const where = first?.path ? `at "${first.path}"` : 'at the root';
    const expected = first?.expected
      ? `expected ${first.expected}`
      : (first?.message ?? 'invalid value');
    const received = first ? `, received ${first.received}` : '';
    const more = problems.length > 1 ? ` (+${problems.length - 1} more problem(s))` : '';
    super(`Invalid ${init.subject ?? 'response'}: ${where} ${expected}${received}${more}`, init);
    this.problems = problems;
    this.path = first?.path ?? '';
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.requestId = init.requestId;
    Object.defineProperty(this, 'issues', { value: init.issues, enumerable: false });
  }
}
