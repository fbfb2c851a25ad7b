// docs/protocols/saturn.md §2.2 (500 for bad credentials) and §2.6 (the detached-row defect)
import { type ApiErrorInit, InternalServerError } from '@uplink/core-schemas';

/** Re-exported: one class for every client (see `@uplink/core-schemas`). */
export { InvalidArgumentError } from '@uplink/core-schemas';

/** Why SATURN may have answered 500 `INTERNAL_ERROR`. */
export type InternalErrorCause = 'credential' | 'server-defect';

/** Context of a {@link SaturnInternalError}. */
export interface SaturnInternalErrorInit extends ApiErrorInit {
  possibleCauses: InternalErrorCause[];
  mayHaveApplied: boolean;
}

/**
 * SATURN answered 500 `INTERNAL_ERROR`: an exception its handlers did not catch. On SATURN that
 * is either a credential the middleware refused (an unknown or revoked key, an expired, badly
 * signed or `company_id`-less JWT) or the upstream detached-row defect on chat, the KB, usage and
 * invoice routes. Both fail the same way every time, so it is never retried. `code` is
 * `INTERNAL_ERROR` and `requestId` comes from the body's `meta.request_id` (the header is absent).
 */
export class SaturnInternalError extends InternalServerError {
  static override readonly errorName: string = 'SaturnInternalError';
  /** What may have caused it, most likely first (empty when the client has no idea). */
  readonly possibleCauses: InternalErrorCause[];
  /** Whether the call's write may have taken effect before the server failed. */
  readonly mayHaveApplied: boolean;

  constructor(message: string, init: SaturnInternalErrorInit) {
    super(message, init);
    this.possibleCauses = init.possibleCauses;
    this.mayHaveApplied = init.mayHaveApplied;
  }
}
