// docs/protocols/agent-sdk.md §1.10: the gateway's error frames, as errors.
import { UplinkError, type UplinkErrorOptions } from '@uplink/core-schemas';
import type { GatewayErrorCode } from '@uplink/core-schemas/agent-sdk';

/** Context of a {@link GatewayError}. */
export interface GatewayErrorInit extends UplinkErrorOptions {
  /** The gateway's code (`AUTH_FAILED`, `AUTH_REQUIRED`, `INVALID_REQUEST`, `RUN_NOT_FOUND`, `SERVER_ERROR`). */
  code: GatewayErrorCode;
  /** The `request_id` of the frame the error answers, when it echoed one. */
  requestId?: string | undefined;
  /** The frame type that was answered (`auth`, `run`, `subscribe`, ...). */
  frameType?: string | undefined;
}

/**
 * The gateway answered a frame with an `error` frame. `code` says why; after `AUTH_FAILED` or
 * `AUTH_REQUIRED` the connection can never authenticate, so the client closes it.
 */
export class GatewayError extends UplinkError {
  static override readonly errorName: string = 'GatewayError';
  /** The gateway's code. */
  readonly code: GatewayErrorCode;
  /** The `request_id` of the frame the error answers. */
  readonly requestId: string | undefined;
  /** The frame type that was answered. */
  readonly frameType: string | undefined;

  constructor(message: string, init: GatewayErrorInit) {
    super(message, init);
    this.code = init.code;
    this.requestId = init.requestId;
    this.frameType = init.frameType;
  }
}
