import { NotFoundError } from '@uplink/core-schemas';
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { describe, expect, it } from 'vitest';
import { type AgUiEvent, toAgUiEvents } from './ag-ui.js';
import { RunStreamError } from './run-stream-error.js';

const TS = '2026-02-12T10:00:00.120311+00:00';
const MS = Date.parse(TS);
const base = { run_id: 'run_1', session_id: 'sess_1', timestamp: TS };
const start: StreamEnvelope = {
  ...base,
  seq: 0,
  stream: 'lifecycle',
  event: 'start',
  payload: { task: 't' },
  status: 'running',
};
const msg = (seq: number, content: string, id?: string): StreamEnvelope => ({
  ...base,
  seq,
  stream: 'assistant',
  event: 'message',
  payload: { ...(id ? { id } : {}), role: 'agent', content, metadata: {} },
});
const end: StreamEnvelope = {
  ...base,
  seq: 9,
  stream: 'lifecycle',
  event: 'end',
  payload: { status: 'completed' },
  status: 'completed',
};

async function collect(
  events: AsyncIterable<StreamEnvelope> | Iterable<StreamEnvelope>,
  options = {},
) {
  const source = (async function* () {
    yield* events;
  })();
  const out: AgUiEvent[] = [];
  for await (const event of toAgUiEvents(source, options)) out.push(event);
  return out;
}

describe('toAgUiEvents (docs/protocols/agent-sdk.md §4.2)', () => {
  it('maps a run: RUN_STARTED, each message as START/CONTENT/END, one RUN_FINISHED', async () => {
    expect(await collect([start, msg(1, 'Hello', 'm-1'), msg(2, 'World', 'm-2'), end])).toEqual([
      { type: 'RUN_STARTED', threadId: 'sess_1', runId: 'run_1', timestamp: MS },
      { type: 'TEXT_MESSAGE_START', messageId: 'm-1', role: 'assistant', timestamp: MS },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'Hello', timestamp: MS },
      { type: 'TEXT_MESSAGE_END', messageId: 'm-1', timestamp: MS },
      { type: 'TEXT_MESSAGE_START', messageId: 'm-2', role: 'assistant', timestamp: MS },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-2', delta: 'World', timestamp: MS },
      { type: 'TEXT_MESSAGE_END', messageId: 'm-2', timestamp: MS },
      {
        type: 'RUN_FINISHED',
        threadId: 'sess_1',
        runId: 'run_1',
        result: { status: 'completed' },
        timestamp: MS,
      },
    ]);
  });

  it('leaves out empty content, names messages without an id by run and seq, reads the fixture spelling', async () => {
    const fixture: StreamEnvelope = {
      ...base,
      seq: 2,
      stream: 'assistant',
      event: 'assistant.message',
      payload: { text: 'hi' },
    };
    const events = await collect([start, msg(1, ''), fixture, end]);
    expect(events.map((e) => [e.type, 'messageId' in e ? e.messageId : undefined])).toEqual([
      ['RUN_STARTED', undefined],
      ['TEXT_MESSAGE_START', 'run_1:1'],
      ['TEXT_MESSAGE_END', 'run_1:1'],
      ['TEXT_MESSAGE_START', 'run_1:2'],
      ['TEXT_MESSAGE_CONTENT', 'run_1:2'],
      ['TEXT_MESSAGE_END', 'run_1:2'],
      ['RUN_FINISHED', undefined],
    ]);
  });

  it('makes RUN_STARTED from the first event when the stream starts later, and passes others as RAW', async () => {
    const tool: StreamEnvelope = {
      ...base,
      seq: 3,
      stream: 'tool',
      event: 'call',
      payload: { name: 'x' },
    };
    const events = await collect([msg(2, 'late', 'm'), tool, start, end]);
    expect(events.map((e) => e.type)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RAW',
      'RUN_FINISHED',
    ]);
    expect(events[4]).toEqual({ type: 'RAW', event: tool, source: 'agent-sdk', timestamp: MS });
  });

  it('ends with RUN_ERROR for error, timeout and canceled; exactly one terminal event, nothing after', async () => {
    const error: StreamEnvelope = {
      ...base,
      seq: 1,
      stream: 'lifecycle',
      event: 'error',
      payload: { error: 'model down' },
      status: 'error',
    };
    expect((await collect([start, error, msg(2, 'after')])).slice(1)).toEqual([
      { type: 'RUN_ERROR', message: 'model down', timestamp: MS },
    ]);
    const silent = { ...error, payload: {} };
    expect((await collect([start, silent])).at(-1)).toMatchObject({
      type: 'RUN_ERROR',
      message: 'The run failed',
    });
    for (const event of ['timeout', 'canceled']) {
      const terminal = { ...base, seq: 1, stream: 'lifecycle', event, payload: {} };
      expect((await collect([start, terminal])).at(-1)).toEqual({
        type: 'RUN_ERROR',
        message: `The run ended with status ${event}`,
        code: event,
        timestamp: MS,
      });
    }
    const noStatus = { ...end, payload: {}, status: undefined };
    expect((await collect([start, noStatus])).at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      result: { status: 'completed' },
    });
  });

  it('turns a failing stream into RUN_ERROR with its code, and a stream that just stops into truncated', async () => {
    const failing = (error: unknown) =>
      (async function* () {
        yield start;
        throw error;
      })();
    const collectFrom = async (source: AsyncIterable<StreamEnvelope>) => {
      const out: AgUiEvent[] = [];
      for await (const event of toAgUiEvents(source)) out.push(event);
      return out;
    };
    expect(
      (await collectFrom(failing(new RunStreamError('lost 2', { code: 'gap', lastSeq: 1 })))).at(
        -1,
      ),
    ).toEqual({
      type: 'RUN_ERROR',
      message: 'lost 2',
      code: 'gap',
    });
    expect(
      (await collectFrom(failing(new NotFoundError('HTTP 404', { status: 404 })))).at(-1),
    ).toMatchObject({
      code: 'NotFoundError',
    });
    expect((await collectFrom(failing(new TypeError('boom')))).at(-1)).toMatchObject({
      message: 'boom',
      code: 'TypeError',
    });
    expect((await collectFrom(failing('text'))).at(-1)).toMatchObject({
      message: 'text',
      code: 'error',
    });
    expect(await collect([start, msg(1, 'x', 'm')])).toHaveLength(5);
    expect((await collect([start, msg(1, 'x', 'm')])).at(-1)).toEqual({
      type: 'RUN_ERROR',
      message: 'The run stream ended before the run finished',
      code: 'truncated',
    });
    const before: AsyncIterable<StreamEnvelope> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          Promise.reject(new RunStreamError('no run', { code: 'truncated', lastSeq: -1 })),
      }),
    };
    expect(await collectFrom(before)).toEqual([
      { type: 'RUN_ERROR', message: 'no run', code: 'truncated' },
    ]);
  });

  it('adds the source envelope as rawEvent when asked, and skips an unparseable timestamp', async () => {
    const odd = { ...start, timestamp: 'soon' };
    const [started] = await collect([odd, end], { includeRawEvent: true });
    expect(started).toEqual({
      type: 'RUN_STARTED',
      threadId: 'sess_1',
      runId: 'run_1',
      rawEvent: odd,
    });
  });
});
