// docs/protocols/agent-sdk.md §1.7: what a finished run's events say.
import {
  assistantMessageText,
  isAssistantMessage,
  type RunStatus,
  type StreamEnvelope,
} from '@uplink/core-schemas/agent-sdk';

/** One assistant message of a run, as its stream delivered it. */
export interface RunMessage {
  /** `payload.id`, or `<run_id>:<seq>` for the fixture spelling (which has none). */
  id: string;
  /** `agent` on the real server, `assistant` in the reference. */
  role: string;
  /** The whole message (agent-sdk sends whole messages, never deltas). */
  content: string;
  /** `payload.metadata` (`type: "plan"` or `"execution_step"` on the real server). */
  metadata: Record<string, unknown>;
  /** The event's seq. */
  seq: number | undefined;
}

/** A finished run, from its events. */
export interface RunStreamResult {
  /** The run. */
  runId: string;
  /** Its session. */
  sessionId: string;
  /**
   * The status the terminal event gives: `completed` for `end`, else `error`, `timeout` or
   * `canceled` (a failed run is a result, not an exception; check `status`).
   */
  status: RunStatus;
  /** The error text of a `lifecycle/error` event. */
  error: string | undefined;
  /** Every assistant message, in order. */
  messages: RunMessage[];
  /** The seq of the terminal event (the last one delivered). */
  lastSeq: number;
  /** The terminal event itself. */
  terminal: StreamEnvelope;
  /** The `X-Request-Id` sent with the call that opened the stream. */
  requestId: string | undefined;
}

/** The assistant message an envelope carries, if it is one. */
export function toRunMessage(envelope: StreamEnvelope): RunMessage | undefined {
  if (!isAssistantMessage(envelope)) return undefined;
  const content = assistantMessageText(envelope) ?? '';
  const { id, role, metadata } = envelope.payload;
  return {
    id: typeof id === 'string' ? id : `${envelope.run_id}:${envelope.seq ?? 'unsequenced'}`,
    role: typeof role === 'string' ? role : 'assistant',
    content,
    metadata:
      typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
        ? (metadata as Record<string, unknown>)
        : {},
    seq: envelope.seq,
  };
}

/** The run status a terminal event stands for. */
export function terminalStatus(terminal: StreamEnvelope): RunStatus {
  if (terminal.event === 'end') {
    const status = terminal.payload.status ?? terminal.status;
    return typeof status === 'string' ? status : 'completed';
  }
  return terminal.event;
}
