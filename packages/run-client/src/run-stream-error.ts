// docs/protocols/agent-sdk.md §1.7 and §1.8: how a run's event stream can fail for good.
import { StreamError, type StreamErrorInit } from '@uplink/core-schemas';

/**
 * Why a run's stream failed: `truncated` (it ended or dropped before a terminal event and could
 * not be resumed), `gap` (events are missing and the replay does not have them either),
 * `server_error` (the server's stream-failure event), `malformed` (data that is not an event),
 * `oversized` (an event or line over the size limit).
 */
export type RunStreamErrorCode = 'truncated' | 'gap' | 'server_error' | 'malformed' | 'oversized';

/** Context of a {@link RunStreamError}. */
export interface RunStreamErrorInit extends StreamErrorInit {
  code: RunStreamErrorCode;
  /** The last seq delivered before the failure (`-1` when none). */
  lastSeq: number;
  /** The run, once known. */
  runId?: string | undefined;
  /** The request id sent with the call that opened the stream. */
  requestId?: string | undefined;
}

/**
 * A run's event stream failed for good. `lastSeq` is the last event delivered, so
 * `client.events(runId, { fromSeq: lastSeq + 1 })` (or `replayEvents`) can pick up later.
 */
export class RunStreamError extends StreamError {
  static override readonly errorName: string = 'RunStreamError';
  declare readonly code: RunStreamErrorCode;
  /** The last seq delivered before the failure (`-1` when none). */
  readonly lastSeq: number;
  /** The run, once known. */
  readonly runId: string | undefined;
  /** The request id sent with the call that opened the stream. */
  readonly requestId: string | undefined;

  constructor(message: string, init: RunStreamErrorInit) {
    super(message, init);
    this.lastSeq = init.lastSeq;
    this.runId = init.runId;
    this.requestId = init.requestId;
  }
}
