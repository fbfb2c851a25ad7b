// docs/protocols/agent-sdk.md §4.2: an agent-sdk run as AG-UI events, for UIs built on AG-UI.
import { isUplinkError } from '@uplink/core-schemas';
import {
  isAssistantMessage,
  isTerminalEnvelope,
  type StreamEnvelope,
} from '@uplink/core-schemas/agent-sdk';
import { toRunMessage } from './run-result.js';

/** Fields every AG-UI event may carry. */
interface AgUiBase {
  /** Epoch milliseconds of the agent-sdk event, when its timestamp parses. */
  timestamp?: number | undefined;
  /** The agent-sdk envelope the event was made from (with `includeRawEvent`). */
  rawEvent?: StreamEnvelope | undefined;
}

/** `RUN_STARTED`: always the first event. */
export interface AgUiRunStarted extends AgUiBase {
  type: 'RUN_STARTED';
  threadId: string;
  runId: string;
}
/** `RUN_FINISHED`: the run completed. */
export interface AgUiRunFinished extends AgUiBase {
  type: 'RUN_FINISHED';
  threadId: string;
  runId: string;
  result?: { status: string } | undefined;
}
/** `RUN_ERROR`: the run failed, timed out, was canceled, or its stream failed. */
export interface AgUiRunError extends AgUiBase {
  type: 'RUN_ERROR';
  message: string;
  code?: string | undefined;
}
/** `TEXT_MESSAGE_START`. */
export interface AgUiTextMessageStart extends AgUiBase {
  type: 'TEXT_MESSAGE_START';
  messageId: string;
  role: 'assistant';
}
/** `TEXT_MESSAGE_CONTENT`: the whole message (agent-sdk sends no deltas); never empty. */
export interface AgUiTextMessageContent extends AgUiBase {
  type: 'TEXT_MESSAGE_CONTENT';
  messageId: string;
  delta: string;
}
/** `TEXT_MESSAGE_END`. */
export interface AgUiTextMessageEnd extends AgUiBase {
  type: 'TEXT_MESSAGE_END';
  messageId: string;
}
/** `RAW`: any other agent-sdk event, as it came. */
export interface AgUiRaw extends AgUiBase {
  type: 'RAW';
  event: StreamEnvelope;
  source: 'agent-sdk';
}

/** The AG-UI events {@link toAgUiEvents} produces. */
export type AgUiEvent =
  | AgUiRunStarted
  | AgUiRunFinished
  | AgUiRunError
  | AgUiTextMessageStart
  | AgUiTextMessageContent
  | AgUiTextMessageEnd
  | AgUiRaw;

/** Options of {@link toAgUiEvents}. */
export interface ToAgUiOptions {
  /** Put the source envelope on each event as `rawEvent`. @default false */
  includeRawEvent?: boolean | undefined;
}

/**
 * Map a run's envelopes (a `RunStream`, or any iterable of them in order) to AG-UI events:
 * `RUN_STARTED` first (made from the first event if the stream starts after seq 0), each
 * assistant message as `TEXT_MESSAGE_START`/`CONTENT`/`END`, and exactly one terminal event,
 * `RUN_FINISHED` or `RUN_ERROR`, after which nothing follows. A stream that fails or ends
 * without a terminal event ends with `RUN_ERROR` (code: the error's code, or `truncated`);
 * before any event, that `RUN_ERROR` is the only event. Breaking out stops the stream.
 */
export async function* toAgUiEvents(
  stream: AsyncIterable<StreamEnvelope>,
  options: ToAgUiOptions = {},
): AsyncGenerator<AgUiEvent, void> {
  let started = false;
  const stamp = <T extends AgUiEvent>(event: T, envelope: StreamEnvelope): T => {
    const time = Date.parse(envelope.timestamp);
    if (Number.isFinite(time)) event.timestamp = time;
    if (options.includeRawEvent) event.rawEvent = envelope;
    return event;
  };
  try {
    for await (const envelope of stream) {
      if (!started) {
        started = true;
        yield stamp(
          { type: 'RUN_STARTED', threadId: envelope.session_id, runId: envelope.run_id },
          envelope,
        );
        if (envelope.stream === 'lifecycle' && envelope.event === 'start') continue;
      } else if (envelope.stream === 'lifecycle' && envelope.event === 'start') {
        continue;
      }
      if (isAssistantMessage(envelope)) {
        const message = toRunMessage(envelope);
        const messageId = message?.id ?? `${envelope.run_id}:${envelope.seq}`;
        yield stamp({ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' }, envelope);
        if (message?.content) {
          yield stamp(
            { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: message.content },
            envelope,
          );
        }
        yield stamp({ type: 'TEXT_MESSAGE_END', messageId }, envelope);
        continue;
      }
      if (isTerminalEnvelope(envelope)) {
        yield stamp(terminalEvent(envelope), envelope);
        return;
      }
      yield stamp({ type: 'RAW', event: envelope, source: 'agent-sdk' }, envelope);
    }
  } catch (error) {
    yield {
      type: 'RUN_ERROR',
      message: error instanceof Error ? error.message : String(error),
      code: codeOf(error),
    };
    return;
  }
  yield {
    type: 'RUN_ERROR',
    message: 'The run stream ended before the run finished',
    code: 'truncated',
  };
}

function terminalEvent(envelope: StreamEnvelope): AgUiRunFinished | AgUiRunError {
  if (envelope.event === 'end') {
    const status = envelope.payload.status ?? envelope.status;
    return {
      type: 'RUN_FINISHED',
      threadId: envelope.session_id,
      runId: envelope.run_id,
      result: { status: typeof status === 'string' ? status : 'completed' },
    };
  }
  if (envelope.event === 'error') {
    const text = envelope.payload.error;
    return {
      type: 'RUN_ERROR',
      message: typeof text === 'string' && text ? text : 'The run failed',
    };
  }
  return {
    type: 'RUN_ERROR',
    message: `The run ended with status ${envelope.event}`,
    code: envelope.event,
  };
}

function codeOf(error: unknown): string {
  if (isUplinkError(error)) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return error.name;
  }
  return error instanceof Error ? error.name : 'error';
}
