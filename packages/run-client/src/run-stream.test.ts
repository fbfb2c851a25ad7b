import { AbortError, NotFoundError, UplinkError } from '@uplink/core-schemas';
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { describe, expect, it } from 'vitest';
import { RunStream } from './run-stream.js';
import { RunStreamError } from './run-stream-error.js';

const RUN = 'run_r';
const env = (
  seq: number,
  kind: 'start' | 'msg' | 'end' | 'error' | 'fixture' = 'msg',
): StreamEnvelope => {
  const base = { run_id: RUN, session_id: 'sess_s', timestamp: '2026-02-12T10:00:00+00:00', seq };
  switch (kind) {
    case 'start':
      return {
        ...base,
        stream: 'lifecycle',
        event: 'start',
        payload: { task: 't' },
        status: 'running',
      };
    case 'end':
      return {
        ...base,
        stream: 'lifecycle',
        event: 'end',
        payload: { status: 'completed' },
        status: 'completed',
      };
    case 'error':
      return {
        ...base,
        stream: 'lifecycle',
        event: 'error',
        payload: { error: 'model down' },
        status: 'error',
      };
    case 'fixture':
      return {
        ...base,
        stream: 'assistant',
        event: 'assistant.message',
        payload: { text: `f${seq}` },
      };
    default:
      return {
        ...base,
        stream: 'assistant',
        event: 'message',
        payload: { id: `m${seq}`, role: 'agent', content: `c${seq}`, metadata: { type: 'plan' } },
      };
  }
};
const RUN3 = [env(0, 'start'), env(1), env(2), env(3, 'end')];

/** A RunStream over `events`; `hangAfter` waits (until aborted) after that many events. */
function streamOf(
  events: StreamEnvelope[],
  extra: { hangAfter?: number; failWith?: unknown; cancel?: () => void; signal?: AbortSignal } = {},
) {
  const state = { closed: 0, opened: 0 };
  const stream = new RunStream({
    requestId: 'rq',
    signals: [extra.signal],
    cancel: extra.cancel,
    events: async function* (signal) {
      state.opened++;
      try {
        for (const [i, e] of events.entries()) {
          if (extra.hangAfter === i) {
            await new Promise((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
            );
          }
          yield e;
        }
        if (extra.failWith) throw extra.failWith;
      } finally {
        state.closed++;
      }
    },
  });
  return { stream, state };
}

describe('RunStream', () => {
  it('iterates envelopes and learns runId, sessionId, lastSeq from them', async () => {
    const { stream, state } = streamOf(RUN3);
    expect(stream.runId).toBeUndefined();
    expect(stream.requestId).toBe('rq');
    const seen: number[] = [];
    for await (const e of stream) {
      seen.push(e.seq!);
      expect(stream.lastSeq).toBe(e.seq);
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(stream.runId).toBe(RUN);
    expect(stream.sessionId).toBe('sess_s');
    expect(state.closed).toBe(1);
    const result = await stream.finalResult();
    expect(result).toMatchObject({
      runId: RUN,
      sessionId: 'sess_s',
      status: 'completed',
      error: undefined,
      lastSeq: 3,
      requestId: 'rq',
    });
    expect(result.messages).toEqual([
      { id: 'm1', role: 'agent', content: 'c1', metadata: { type: 'plan' }, seq: 1 },
      { id: 'm2', role: 'agent', content: 'c2', metadata: { type: 'plan' }, seq: 2 },
    ]);
    expect(result.terminal.seq).toBe(3);
  });

  it('finalResult consumes the stream when nothing else does; a failed run is a result', async () => {
    const { stream } = streamOf([env(0, 'start'), env(1, 'error')]);
    const result = await stream.finalResult();
    expect(result).toMatchObject({
      status: 'error',
      error: 'model down',
      messages: [],
      lastSeq: 1,
    });
    expect(() => stream[Symbol.asyncIterator]()).toThrow(UplinkError);
  });

  it('textStream yields message texts in either spelling', async () => {
    const { stream } = streamOf([env(0, 'start'), env(1), env(2, 'fixture'), env(3, 'end')]);
    const texts: string[] = [];
    for await (const text of stream.textStream) texts.push(text);
    expect(texts).toEqual(['c1', 'f2']);
    const result = await stream.finalResult();
    expect(result.messages[1]).toEqual({
      id: `${RUN}:2`,
      role: 'assistant',
      content: 'f2',
      metadata: {},
      seq: 2,
    });
  });

  it('may be consumed once only', () => {
    const { stream } = streamOf(RUN3);
    stream[Symbol.asyncIterator]();
    expect(() => stream.textStream).toThrow('already being consumed');
    expect(() => stream.toReadableStream()).toThrow(UplinkError);
  });

  it('rejects finalResult with the stream error, and with truncated when the events just stop', async () => {
    const failure = new NotFoundError('HTTP 404', { status: 404 });
    const { stream } = streamOf([env(0, 'start')], { failWith: failure });
    await expect(stream.finalResult()).rejects.toBe(failure);
    const { stream: short } = streamOf([env(0, 'start'), env(1)]);
    const error = await short.finalResult().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStreamError);
    expect(error).toMatchObject({ code: 'truncated', lastSeq: 1, runId: RUN, requestId: 'rq' });
  });

  it('abort() while a step waits releases the source and rejects the step and the result', async () => {
    const cancels: unknown[] = [];
    const { stream, state } = streamOf(RUN3, {
      hangAfter: 2,
      cancel: () => void cancels.push('c'),
    });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    const pending = it.next();
    await stream.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(state.closed).toBe(1);
    expect(cancels).toEqual(['c']);
    await expect(it.next()).rejects.toBeInstanceOf(AbortError);
    expect((await it.return!()).done).toBe(true);
    expect((await it.next()).done).toBe(true);
  });

  it('abort() between steps closes the source at once; the next step reports the abort', async () => {
    const { stream, state } = streamOf(RUN3);
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    await stream.abort(new AbortError('stop'));
    expect(state.closed).toBe(1);
    await expect(it.next()).rejects.toMatchObject({ message: 'stop' });
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
  });

  it('break after the terminal event keeps the result; break before it rejects it and calls the cancel hook', async () => {
    const { stream } = streamOf(RUN3);
    for await (const e of stream) if (e.seq === 3) break;
    await expect(stream.finalResult()).resolves.toMatchObject({ status: 'completed' });
    const cancels: string[] = [];
    const { stream: early, state } = streamOf(RUN3, { cancel: () => void cancels.push('cancel') });
    for await (const e of early) if (e.seq === 1) break;
    await expect(early.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(state.closed).toBe(1);
    expect(cancels).toEqual(['cancel']);
  });

  it('a cancel hook that throws is ignored; no hook runs before the run id is known', async () => {
    const { stream } = streamOf(RUN3, {
      hangAfter: 0,
      cancel: () => {
        throw new Error('cancel failed');
      },
    });
    const it = stream[Symbol.asyncIterator]();
    const pending = it.next();
    await expect(stream.abort()).resolves.toBeUndefined();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    const { stream: started } = streamOf(RUN3, {
      cancel: () => {
        throw new Error('cancel failed');
      },
    });
    const it2 = started[Symbol.asyncIterator]();
    await it2.next();
    await expect(started.abort()).resolves.toBeUndefined();
  });

  it('abort() before consumption rejects the result without opening anything; a linked signal does too', async () => {
    const { stream, state } = streamOf(RUN3);
    await stream.abort();
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(state.opened).toBe(0);
    const controller = new AbortController();
    controller.abort(new AbortError('pre'));
    const { stream: pre, state: preState } = streamOf(RUN3, { signal: controller.signal });
    await expect(pre.finalResult()).rejects.toMatchObject({ message: 'pre' });
    expect(preState.opened).toBe(0);
    const later = new AbortController();
    const { stream: linked } = streamOf(RUN3, { hangAfter: 1, signal: later.signal });
    const result = linked.finalResult();
    later.abort(new AbortError('later'));
    await expect(result).rejects.toMatchObject({ message: 'later' });
    await using disposed = streamOf(RUN3).stream;
    expect(disposed.lastSeq).toBe(-1);
  });

  it('round-trips through new Response(toReadableStream()) and fromReadableStream, as bytes', async () => {
    const { stream } = streamOf(RUN3);
    const readable = stream.toReadableStream();
    const response = new Response(readable);
    const text = await response.clone().text();
    expect(text.split('\n')).toHaveLength(5);
    expect(JSON.parse(text.split('\n')[0]!)).toEqual(RUN3[0]);
    const back = RunStream.fromReadableStream(response.body!);
    const seqs: number[] = [];
    for await (const e of back) seqs.push(e.seq!);
    expect(seqs).toEqual([0, 1, 2, 3]);
    expect(back.runId).toBe(RUN);
    expect((await back.finalResult()).messages.map((m) => m.content)).toEqual(['c1', 'c2']);
  });

  it('carries a stream failure across the bytes as the same typed error', async () => {
    const failure = new RunStreamError('lost 2', {
      code: 'gap',
      lastSeq: 1,
      runId: RUN,
      requestId: 'rq',
    });
    const { stream } = streamOf([env(0, 'start'), env(1)], { failWith: failure });
    const back = RunStream.fromReadableStream(new Response(stream.toReadableStream()).body!);
    const seqs: number[] = [];
    let caught: unknown;
    try {
      for await (const e of back) seqs.push(e.seq!);
    } catch (error) {
      caught = error;
    }
    expect(seqs).toEqual([0, 1]);
    expect(caught).toBeInstanceOf(RunStreamError);
    expect(caught).toMatchObject({
      code: 'gap',
      lastSeq: 1,
      runId: RUN,
      requestId: 'rq',
      message: 'lost 2',
    });
  });

  it('a relayed failure names no upstream host unless errors: full', async () => {
    const failure = () =>
      new RunStreamError(
        'lost the stream from http://10.2.3.4:8000/run/stream (via agents.internal:8443)',
        {
          code: 'gap',
          lastSeq: 1,
          runId: RUN,
        },
      );
    const lastLine = async (body: ReadableStream<Uint8Array>) =>
      JSON.parse((await new Response(body).text()).trimEnd().split('\n').at(-1)!) as {
        uplink_error: { name: string; code: string; message: string };
      };
    const safe = await lastLine(
      streamOf([env(0, 'start')], { failWith: failure() }).stream.toReadableStream(),
    );
    expect(safe.uplink_error).toMatchObject({ name: 'RunStreamError', code: 'gap' });
    expect(safe.uplink_error.message).not.toContain('10.2.3.4');
    expect(safe.uplink_error.message).not.toContain('agents.internal');
    const full = await lastLine(
      streamOf([env(0, 'start')], { failWith: failure() }).stream.toReadableStream({
        errors: 'full',
      }),
    );
    expect(full.uplink_error.message).toContain('http://10.2.3.4:8000/run/stream');
  });

  it('cancelling the readable stops the stream; the reader can release its lock first', async () => {
    const { stream, state } = streamOf(RUN3, { hangAfter: 2 });
    const readable = stream.toReadableStream();
    const reader = readable.getReader();
    await reader.read();
    reader.releaseLock();
    await readable.cancel();
    expect(state.closed).toBe(1);
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
  });

  it('fromReadableStream: dedupes, stops at the terminal event, and fails typed on bad bytes', async () => {
    const bytes = (text: string) => new Response(text).body!;
    const lines = (...events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
    const dup = RunStream.fromReadableStream(
      bytes(lines(RUN3[0], RUN3[0], RUN3[1], RUN3[3], env(4))),
    );
    expect((await dup.finalResult()).lastSeq).toBe(3);
    const truncated = await RunStream.fromReadableStream(bytes(lines(RUN3[0], RUN3[1])))
      .finalResult()
      .catch((e: unknown) => e);
    expect(truncated).toMatchObject({ code: 'truncated', lastSeq: 1, runId: RUN });
    const notJson = await RunStream.fromReadableStream(bytes('<html>oops</html>\n'))
      .finalResult()
      .catch((e: unknown) => e);
    expect(notJson).toMatchObject({ name: 'RunStreamError', code: 'malformed' });
    expect((notJson as Error).message).toBe('A run stream line is not JSON: "<html>oops</html>"');
    const invalid = await RunStream.fromReadableStream(bytes('{"run_id": 1}\n'))
      .finalResult()
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'malformed' });
    expect((invalid as Error).message).toMatch(/^Invalid run stream line: at "run_id"/);
    const long = await RunStream.fromReadableStream(bytes('x'.repeat(64)), { maxLineBytes: 16 })
      .finalResult()
      .catch((e: unknown) => e);
    expect(long).toMatchObject({
      code: 'oversized',
      message:
        'A run stream line exceeded the limit of 16 bytes without a line break (maxLineBytes)',
    });
    const noNewline = RunStream.fromReadableStream(bytes(lines(...RUN3).trimEnd()));
    expect((await noNewline.finalResult()).status).toBe('completed');
    const blank = RunStream.fromReadableStream(bytes(`\n\n${lines(...RUN3)}`));
    expect((await blank.finalResult()).lastSeq).toBe(3);
  });

  it('fromReadableStream reads byte chunks split anywhere, multibyte characters included', async () => {
    const text = `${RUN3.map((e) => JSON.stringify({ ...e, payload: { ...e.payload, note: 'é😀' } })).join('\n')}\n`;
    const encoded = new TextEncoder().encode(text);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < encoded.length; i += 3) controller.enqueue(encoded.slice(i, i + 3));
        controller.close();
      },
    });
    const back = RunStream.fromReadableStream(chunked);
    const seen: unknown[] = [];
    for await (const e of back) seen.push(e.payload.note);
    expect(seen).toEqual(['é😀', 'é😀', 'é😀', 'é😀']);
  });

  it('fromReadableStream stops reading on abort', async () => {
    let cancelled = false;
    const never = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`${JSON.stringify(RUN3[0])}\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const back = RunStream.fromReadableStream(never, { signal: controller.signal });
    const it = back[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ seq: 0 });
    const pending = it.next();
    controller.abort(new AbortError('enough'));
    await expect(pending).rejects.toMatchObject({ message: 'enough' });
    expect(cancelled).toBe(true);
  });
});
