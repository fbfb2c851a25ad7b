// docs/protocols/agent-sdk.md §1.8: the server's in-memory event store, mechanism for mechanism:
// append to a bounded history and, once a queue exists, to the run's one live queue; a
// consumer sends a snapshot of the history, empties the queue, then reads the queue.
import { LiveQueue } from './live-queue.js';
import type { FakeAgentSdkSettings, FakeEnvelope, FakeRun } from './state.js';

const TERMINAL = new Set(['end', 'error', 'timeout', 'canceled']);

/** The server's terminal test. */
export const isTerminal = (event: FakeEnvelope): boolean =>
  event.stream === 'lifecycle' && TERMINAL.has(event.event);

/** `append_event`: history (dropping the oldest past `maxEvents`), then the live queue if any. */
export function appendEvent(
  run: FakeRun,
  event: FakeEnvelope,
  settings: FakeAgentSdkSettings,
): void {
  run.inStore = true;
  run.history.push(event);
  if (run.history.length > settings.maxEvents) run.history.shift();
  run.queue?.put(event);
}

/** `list_events_from`: events with `seq >= fromSeq`, and every event without a seq. */
export function listEventsFrom(run: FakeRun, fromSeq: number | undefined): FakeEnvelope[] {
  if (fromSeq === undefined) return [...run.history];
  return run.history.filter((event) => event.seq === undefined || event.seq >= fromSeq);
}

/** Hooks into one consumer's pass through {@link streamRun}. */
export interface StreamHooks {
  /** Called after the history was sent and before the queue is emptied. */
  afterHistory?: (() => void) | undefined;
}

/**
 * `stream` / `stream_from`: the history (from `fromSeq`), then, unless the last event sent was
 * terminal, the live queue until a terminal event. `signal` is the consumer going away.
 */
export async function* streamRun(
  run: FakeRun,
  settings: FakeAgentSdkSettings,
  fromSeq: number | undefined,
  signal: AbortSignal,
  hooks: StreamHooks = {},
): AsyncGenerator<FakeEnvelope> {
  run.queue ??= new LiveQueue<FakeEnvelope>(settings.liveQueueSize);
  const queue = run.queue;
  const history = listEventsFrom(run, fromSeq);
  for (const event of history) yield event;
  const last = history.at(-1);
  if (last && isTerminal(last)) return;
  hooks.afterHistory?.();
  // "Drain any existing queued events to avoid duplicates of history": whatever arrived while
  // the history was being sent is thrown away here (the history-then-live race).
  queue.drain();
  while (!signal.aborted) {
    let event: FakeEnvelope;
    try {
      event = await queue.get(signal);
    } catch {
      return;
    }
    yield event;
    if (isTerminal(event)) return;
  }
}
