import { type BaseIssue, getDotPath } from 'valibot';
import { REDACTED } from '../credential-patterns.js';
import { isSecretField } from '../secret-names.js';
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
  /** The valibot issues; only their shape is kept (see {@link sanitiseIssues}). */
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

/** A received string longer than this is described by its length, never shown. */
const MAX_SHOWN_STRING = 32;

type PathItem = NonNullable<BaseIssue<unknown>['path']>[number];

/** What was received, as a kind: secret positions redacted, long strings by their length. */
function describeReceived(received: string, secret: boolean): string {
  if (secret) return REDACTED;
  if (!received.startsWith('"') || received.length <= MAX_SHOWN_STRING + 2) return received;
  let length = received.length - 2;
  try {
    length = (JSON.parse(received) as string).length;
  } catch {
    // valibot quotes strings with JSON.stringify; keep the estimate otherwise.
  }
  return `a string of ${length} characters`;
}

function sanitiseIssue(issue: BaseIssue<unknown>, parentSecret: boolean): BaseIssue<unknown> {
  const path = issue.path?.map(
    (item): PathItem =>
      ({
        type: item.type,
        origin: item.origin,
        // Map and set keys are data; only object keys and array indexes name a place.
        key: typeof item.key === 'string' || typeof item.key === 'number' ? item.key : undefined,
      }) as PathItem,
  );
  const secret =
    parentSecret ||
    (path?.some((item) => typeof item.key === 'string' && isSecretField(item.key)) ?? false);
  const received = describeReceived(issue.received, secret);
  return {
    kind: issue.kind,
    type: issue.type,
    input: undefined,
    expected: issue.expected,
    received,
    message:
      received === issue.received
        ? issue.message
        : issue.message.split(issue.received).join(received),
    requirement: issue.requirement,
    path: path as BaseIssue<unknown>['path'],
    issues: issue.issues?.map((inner) =>
      sanitiseIssue(inner, secret),
    ) as BaseIssue<unknown>['issues'],
  } as BaseIssue<unknown>;
}

/**
 * Copies of valibot issues without any value from the validated data: valibot keeps the
 * input in `issue.input` and, in every path item, the parent object (`input`) and the value
 * (`value`). A decrypted secret next to a bad field would otherwise be one `util.inspect`
 * away. Kept: kinds, types, path keys, expected, messages and what was received, with values
 * under secret fields redacted and strings over 32 characters described by their length.
 */
export function sanitiseIssues(issues: readonly BaseIssue<unknown>[]): BaseIssue<unknown>[] {
  return issues.map((issue) => sanitiseIssue(issue, false));
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
  /**
   * The valibot issues without the validated data (no `input`, no path `input`/`value`), so
   * no value from the body is reachable from the error. Not enumerable, so `toJSON()` stays small.
   */
  declare readonly issues: readonly BaseIssue<unknown>[];

  constructor(init: ResponseValidationErrorInit) {
    const issues = sanitiseIssues(init.issues);
    const problems = summariseIssues(issues);
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
    Object.defineProperty(this, 'issues', { value: issues, enumerable: false });
  }
}
