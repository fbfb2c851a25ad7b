import { getEventListeners } from 'node:events';
import {
  AbortError,
  ApiError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  abortError,
  driveRun,
  type EnvelopeSource,
  isResumable,
  type ResumeDriverInit,
} from './resume-driver.js';
import { RunStreamError } from './run-stream-error.js';
import { SeqTracker } from './seq-tracker.js';

const RUN = 'run_a';
const env = (
  seq: number | undefined,
  kind: 'start' | 'msg' | 'end' | 'error' | 'fail' = 'msg',
): StreamEnvelope => {
  const base = {
    run_id: RUN,
    session_id: kind === 'fail' ? 'unknown' : 'sess_a',
    timestamp: `t${seq}`,
    ...(seq === undefined ? {} : { seq }),
  };
  if (kind === 'start')
    return {
      ...base,
      stream: 'lifecycle',
      event: 'start',
      payload: { task: 't' },
      status: 'running',
    };
  if (kind === 'end')
    return {
      ...base,
      stream: 'lifecycle',
      event: 'end',
      payload: { status: 'completed' },
      status: 'completed',
    };
  if (kind === 'error' || kind === 'fail')
    return {
      ...base,
      stream: 'lifecycle',
      event: 'error',
      payload: { error: 'boom' },
      status: 'error',
    };
  return {
    ...base,
    stream: 'assistant',
    event: 'message',
    payload: { id: `m${seq}`, role: 'agent', content: `c${seq}` },
  };
};
/** A whole run: start, messages, end. */
const runOf = (last: number): StreamEnvelope[] =>
  Array.from({ length: last + 1 }, (_, i) =>
    env(i, i === 0 ? 'start' : i === last ? 'end' : 'msg'),
  );

type Step = StreamEnvelope | { error: unknown } | 'hang';

/** A connection that plays `steps`, then ends; `hang` waits until the connection is closed. */
function source(steps: Step[], signal: AbortSignal, log: string[], name: string): EnvelopeSource {
  let i = 0;
  log.push(`open ${name}`);
  return {
    next: async () => {
      const step = steps[i++];
      if (step === undefined) return { done: true, value: undefined };
      if (step === 'hang') {
        return new Promise((_, reject) => {
          if (signal.aborted) reject(new AbortError('closed'));
          signal.addEventListener('abort', () => reject(new AbortError('closed')), { once: true });
        });
      }
      if ('error' in step) throw step.error;
      return { done: false, value: step };
    },
    return: async () => {
      log.push(`close ${name}`);
      return { done: true, value: undefined };
    },
  };
}

interface Harness extends Partial<ResumeDriverInit> {
  connections: Step[][];
  replay?:
    | StreamEnvelope[]
    | ((from: number, limit: number) => StreamEnvelope[] | Promise<StreamEnvelope[]>);
}

async function drive(h: Harness) {
  const log: string[] = [];
  const replays: [string, number, number][] = [];
  const delivered: (number | undefined)[] = [];
  const observed: (number | undefined)[] = [];
  const controller = new AbortController();
  let opened = 0;
  const tracker = h.tracker ?? new SeqTracker();
  const init: ResumeDriverInit = {
    open: (signal) => source(h.connections[opened++] ?? [], signal, log, 'open'),
    reopen: (runId, signal) =>
      source(h.connections[opened++] ?? [], signal, log, `reopen ${runId}`),
    replayPage: async (runId, from, limit) => {
      replays.push([runId, from, limit]);
      const all = typeof h.replay === 'function' ? await h.replay(from, limit) : (h.replay ?? []);
      const events = all.filter((e) => e.seq === undefined || e.seq >= from).slice(0, limit);
      return { events, count: events.length };
    },
    tracker,
    limits: { maxResumeAttempts: 3, replayPageSize: 100, maxReplayPages: 5, resumeDelayMs: 0 },
    signal: controller.signal,
    requestId: 'rq-1',
    onEvent: (e) => observed.push(e.seq),
    ...h,
  };
  let error: unknown;
  try {
    for await (const envelope of driveRun(init)) delivered.push(envelope.seq);
  } catch (e) {
    error = e;
  }
  return { delivered, observed, error, log, replays, controller, tracker };
}

describe('driveRun: delivery', () => {
  it('delivers a healthy stream once and closes it after the terminal event', async () => {
    const r = await drive({ connections: [runOf(3)] });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
    expect(r.observed).toEqual([0, 1, 2, 3]);
    expect(r.error).toBeUndefined();
    expect(r.log).toEqual(['open open', 'close open']);
    expect(r.replays).toEqual([]);
  });

  it('stops at the terminal event and ignores what follows', async () => {
    const r = await drive({ connections: [[...runOf(2), env(3), env(4)]] });
    expect(r.delivered).toEqual([0, 1, 2]);
  });

  it('drops duplicates', async () => {
    const [s0, s1, s2, s3] = runOf(3) as [
      StreamEnvelope,
      StreamEnvelope,
      StreamEnvelope,
      StreamEnvelope,
    ];
    const r = await drive({ connections: [[s0, s1, s1, s0, s2, s1, s3]] });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
    expect(r.observed).toEqual([0, 1, 2, 3]);
  });

  it('fills a gap from the replay before the event that revealed it', async () => {
    const all = runOf(4);
    const r = await drive({
      connections: [[all[0]!, all[1]!, all[3]!, all[4]!]],
      replay: all.slice(0, 3),
    });
    expect(r.delivered).toEqual([0, 1, 2, 3, 4]);
    expect(r.replays).toEqual([[RUN, 2, 100]]);
  });

  it('finishes from the replay when the replay reaches the terminal event', async () => {
    const all = runOf(3);
    const r = await drive({ connections: [[all[0]!, all[2]!, 'hang']], replay: all });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
    expect(r.log).toEqual(['open open', 'close open']);
  });

  it('fails with gap when the replay lacks the missing events too', async () => {
    const all = runOf(4);
    const r = await drive({
      connections: [[all[0]!, all[1]!, all[3]!]],
      replay: [all[0]!, all[1]!],
    });
    expect(r.delivered).toEqual([0, 1]);
    expect(r.error).toBeInstanceOf(RunStreamError);
    expect(r.error).toMatchObject({
      code: 'gap',
      lastSeq: 1,
      runId: RUN,
      requestId: 'rq-1',
      retriable: false,
    });
    expect((r.error as Error).message).toBe(
      'Run run_a lost event 2: the replay does not have it either',
    );
  });

  it('fails with gap when the replay itself skips events', async () => {
    const all = runOf(6);
    const r = await drive({
      connections: [[all[0]!, all[4]!]],
      replay: [all[0]!, all[3]!, all[4]!],
    });
    expect(r.delivered).toEqual([0]);
    expect(r.error).toMatchObject({ code: 'gap', lastSeq: 0 });
    expect((r.error as Error).message).toBe(
      'Run run_a lost events 1 to 2: the replay does not have them either (retention may have removed them)',
    );
  });

  it('delivers an unsequenced event once, and skips the stream-failure event inside a replay', async () => {
    const all = runOf(2);
    const note = { ...env(undefined), timestamp: 'x' };
    const r = await drive({
      connections: [[all[0]!, note, note]],
      replay: [env(undefined, 'fail'), ...all],
    });
    expect(r.delivered).toEqual([0, undefined, 1, 2]);
  });

  it('skips events before fromSeq when the tracker starts later', async () => {
    const r = await drive({ runId: RUN, tracker: new SeqTracker(2), connections: [runOf(3)] });
    expect(r.delivered).toEqual([2, 3]);
  });
});

describe('driveRun: resuming', () => {
  it('resumes a body that ended without a terminal event through the replay', async () => {
    const all = runOf(3);
    const r = await drive({ connections: [all.slice(0, 2)], replay: all });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
    expect(r.replays).toEqual([[RUN, 2, 100]]);
    expect(r.log).toEqual(['open open', 'close open']);
  });

  it('reopens GET events when the replay has nothing new, dropping what was seen', async () => {
    const all = runOf(4);
    const r = await drive({ connections: [all.slice(0, 2), all], replay: all.slice(0, 2) });
    expect(r.delivered).toEqual([0, 1, 2, 3, 4]);
    expect(r.log).toEqual(['open open', 'close open', `open reopen ${RUN}`, `close reopen ${RUN}`]);
  });

  it.each([
    ['a dropped connection', new StreamError('dropped', { code: 'truncated' })],
    ['an idle timeout', new TimeoutError('idle', { timeout: 'idle' })],
    ['a connection error', new ConnectionError('refused')],
    ['a 503', new InternalServerError('HTTP 503', { status: 503 })],
    ['a 429', new RateLimitError('HTTP 429', { status: 429 })],
  ])('resumes after %s', async (_name, error) => {
    const all = runOf(3);
    const r = await drive({ connections: [[all[0]!, { error }]], replay: all });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
  });

  it('cannot resume before the run id is known (POST /run/stream is never repeated)', async () => {
    const cause = new StreamError('dropped', { code: 'truncated' });
    const r = await drive({ connections: [[{ error: cause }]] });
    expect(r.error).toMatchObject({
      code: 'truncated',
      lastSeq: -1,
      runId: undefined,
      retriable: true,
    });
    expect((r.error as Error).message).toMatch(/before its first event, so the run id is unknown/);
    expect((r.error as Error).cause).toBe(cause);
    expect(r.replays).toEqual([]);
    const clean = await drive({ connections: [[]] });
    expect((clean.error as Error).cause).toBeUndefined();
  });

  it('gives up after maxResumeAttempts attempts in a row without a new event', async () => {
    const all = runOf(3);
    const r = await drive({
      connections: [[all[0]!], [all[0]!], [all[0]!], [all[0]!], [all[0]!]],
      replay: [all[0]!],
    });
    expect(r.delivered).toEqual([0]);
    expect(r.error).toMatchObject({ code: 'truncated', lastSeq: 0, runId: RUN });
    expect((r.error as Error).message).toBe(
      'The event stream of run run_a could not be resumed after 3 attempt(s) without a new event; last seq delivered: 0',
    );
    expect(r.log.filter((l) => l.startsWith('open'))).toHaveLength(4);
    expect(r.replays).toHaveLength(3);
  });

  it('starts counting again after an attempt that delivered something', async () => {
    const all = runOf(7);
    const r = await drive({
      limits: { maxResumeAttempts: 1, replayPageSize: 100, maxReplayPages: 5, resumeDelayMs: 0 },
      connections: [
        [all[0]!],
        [all[1]!],
        [all[2]!],
        [all[3]!],
        [all[4]!],
        [all[5]!],
        [all[6]!],
        [all[7]!],
      ],
    });
    expect(r.delivered).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.error).toBeUndefined();
  });

  it('counts a failing replay as an attempt and tries again', async () => {
    const all = runOf(2);
    let calls = 0;
    const r = await drive({
      connections: [[all[0]!]],
      replay: () => {
        calls++;
        if (calls === 1) throw new InternalServerError('HTTP 503', { status: 503 });
        return all;
      },
    });
    expect(r.delivered).toEqual([0, 1, 2]);
    expect(calls).toBe(2);
  });

  it('fails when the replay does not end within maxReplayPages', async () => {
    const all = runOf(20);
    const r = await drive({
      limits: { maxResumeAttempts: 3, replayPageSize: 2, maxReplayPages: 2, resumeDelayMs: 0 },
      connections: [[all[0]!]],
      replay: all,
    });
    expect(r.delivered).toEqual([0, 1, 2, 3, 4]);
    expect(r.error).toMatchObject({ code: 'truncated', lastSeq: 4 });
    expect((r.error as Error).message).toBe('The replay of run run_a did not end within 2 pages');
  });

  it('resumes at once when the stall probe finds the run finished while the stream is silent', async () => {
    const all = runOf(3);
    const checked: string[] = [];
    const r = await drive({
      connections: [[all[0]!, 'hang']],
      replay: all,
      probe: { firstMs: 5, maxMs: 5 },
      isFinished: async (runId) => {
        checked.push(runId);
        return true;
      },
    });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
    expect(checked).toEqual([RUN]);
    expect(r.log).toEqual(['open open', 'close open']);
  });

  it('does not probe before the run id is known', async () => {
    let checks = 0;
    const log: string[] = [];
    const controller = new AbortController();
    const driver = driveRun({
      open: (signal) => source(['hang'], signal, log, 'open'),
      reopen: () => {
        throw new Error('no reopen');
      },
      replayPage: async () => ({ events: [], count: 0 }),
      tracker: new SeqTracker(),
      limits: { maxResumeAttempts: 1, replayPageSize: 10, maxReplayPages: 1, resumeDelayMs: 0 },
      signal: controller.signal,
      probe: { firstMs: 1, maxMs: 1 },
      isFinished: async () => {
        checks++;
        return true;
      },
    });
    const pending = driver.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(checks).toBe(0);
    expect(log).toEqual(['open open', 'close open']);
  });
});

describe('driveRun: logging', () => {
  it('logs each gap and each resume with its reason', async () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const logger = {
      debug: (message: string, fields?: Record<string, unknown>) => lines.push([message, fields]),
      info: () => {},
      warn: () => {},
      error: () => {},
    };
    const all = runOf(5);
    await drive({
      logger,
      connections: [
        [all[0]!, all[2]!],
        [{ error: new ConnectionError('refused') }],
        [all[3]!, 'hang'],
      ],
      replay: (from) => (from === 3 ? [] : all.slice(0, from <= 1 ? 3 : 6)),
      probe: { firstMs: 5, maxMs: 5 },
      isFinished: async () => true,
    });
    expect(lines).toEqual([
      ['run stream gap', { runId: RUN, from: 1, to: 1 }],
      [
        'run stream resume',
        { runId: RUN, lastSeq: 2, attempt: 1, reason: 'ended without a terminal event' },
      ],
      ['run stream resume', { runId: RUN, lastSeq: 2, attempt: 2, reason: 'refused' }],
      [
        'run stream resume',
        { runId: RUN, lastSeq: 3, attempt: 1, reason: 'silent after the run finished' },
      ],
    ]);
  });
});

describe('driveRun: failures', () => {
  it('turns the stream-failure event into a server_error', async () => {
    const r = await drive({ connections: [[env(0, 'start'), env(undefined, 'fail')]] });
    expect(r.delivered).toEqual([0]);
    expect(r.error).toMatchObject({ code: 'server_error', lastSeq: 0, retriable: false });
    expect((r.error as Error).message).toBe(
      "The server's event stream failed: boom (it sent its stream-failure event)",
    );
    const bare = { ...env(undefined, 'fail'), payload: {} };
    const r2 = await drive({ connections: [[bare]] });
    expect((r2.error as Error).message).toBe(
      "The server's event stream failed (it sent its stream-failure event)",
    );
  });

  it('throws refusals as they are (an unknown run is a 404)', async () => {
    const notFound = new NotFoundError('HTTP 404', { status: 404 });
    const r = await drive({ connections: [[{ error: notFound }]] });
    expect(r.error).toBe(notFound);
    const plain = new Error('bug');
    expect((await drive({ connections: [[{ error: plain }]] })).error).toBe(plain);
  });

  it('wraps bad data into RunStreamError with lastSeq', async () => {
    const malformed = new StreamError('not JSON', { code: 'malformed' });
    const r = await drive({ connections: [[env(0, 'start'), { error: malformed }]] });
    expect(r.error).toMatchObject({ code: 'malformed', lastSeq: 0, message: 'not JSON' });
    expect((r.error as Error).cause).toBe(malformed);
    const oversized = new StreamError('too big', { code: 'oversized' });
    expect((await drive({ connections: [[{ error: oversized }]] })).error).toMatchObject({
      code: 'oversized',
    });
    const invalid = new ResponseValidationError({ issues: [], subject: 'SSE event' });
    expect((await drive({ connections: [[{ error: invalid }]] })).error).toMatchObject({
      code: 'malformed',
      message: invalid.message,
    });
    const other = new StreamError('x', { code: 'server_error' });
    expect((await drive({ connections: [[{ error: other }]] })).error).toBe(other);
  });

  it('stops on abort with AbortError and closes the connection', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const driver = driveRun({
      open: (signal) => source([env(0, 'start'), 'hang'], signal, log, 'open'),
      reopen: () => {
        throw new Error('no reopen');
      },
      replayPage: async () => ({ events: [], count: 0 }),
      tracker: new SeqTracker(),
      limits: { maxResumeAttempts: 1, replayPageSize: 10, maxReplayPages: 1, resumeDelayMs: 0 },
      signal: controller.signal,
    });
    expect((await driver.next()).value).toMatchObject({ seq: 0 });
    const pending = driver.next();
    const reason = new AbortError('user stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(log).toEqual(['open open', 'close open']);
    const already = new AbortController();
    already.abort('x');
    const never = driveRun({
      open: () => {
        throw new Error('not opened');
      },
      reopen: () => {
        throw new Error('no');
      },
      replayPage: async () => ({ events: [], count: 0 }),
      tracker: new SeqTracker(),
      limits: { maxResumeAttempts: 1, replayPageSize: 10, maxReplayPages: 1, resumeDelayMs: 0 },
      signal: already.signal,
    });
    await expect(never.next()).rejects.toBeInstanceOf(AbortError);
  });
});

describe('isResumable and abortError', () => {
  it('classifies failures', () => {
    expect(isResumable(new TimeoutError('t', { timeout: 'idle' }))).toBe(true);
    expect(isResumable(new TimeoutError('t', { timeout: 'attempt' }))).toBe(true);
    expect(isResumable(new ConnectionError('c'))).toBe(true);
    expect(isResumable(new StreamError('s', { code: 'truncated' }))).toBe(true);
    expect(isResumable(new StreamError('s', { code: 'malformed' }))).toBe(false);
    expect(isResumable(new RunStreamError('r', { code: 'truncated', lastSeq: 1 }))).toBe(false);
    expect(isResumable(new InternalServerError('5', { status: 502 }))).toBe(true);
    expect(isResumable(new RateLimitError('4', { status: 429 }))).toBe(true);
    expect(isResumable(new ApiError('4', { status: 418 }))).toBe(false);
    expect(isResumable(new NotFoundError('4', { status: 404 }))).toBe(false);
    expect(isResumable(new Error('x'))).toBe(false);
  });

  it('keeps our AbortError and wraps any other reason', () => {
    const ours = new AbortError('mine');
    expect(abortError(ours)).toBe(ours);
    const inner = new AbortError('inner');
    expect(abortError('reason', inner)).toBe(inner);
    const made = abortError('reason', new Error('x'));
    expect(made).toBeInstanceOf(AbortError);
    expect(made.message).toBe('The run stream was aborted');
    expect(made.cause).toBe('reason');
  });
});

describe('driveRun: the replay', () => {
  it('drops events the replay repeats', async () => {
    const all = runOf(3);
    const r = await drive({
      connections: [[all[0]!, all[2]!]],
      replay: [all[1]!, all[1]!, all[0]!, all[2]!, all[2]!, all[3]!],
    });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
    expect(r.observed).toEqual([0, 1, 2, 3]);
  });

  it('names the one event the replay skipped', async () => {
    const all = runOf(4);
    const r = await drive({ connections: [[all[0]!, all[3]!]], replay: [all[0]!, all[2]!] });
    expect((r.error as Error).message).toBe(
      'Run run_a lost event 1: the replay does not have it either (retention may have removed it)',
    );
  });

  it('names the events still missing after the replay ended short', async () => {
    const all = runOf(5);
    const r = await drive({ connections: [[all[0]!, all[4]!]], replay: [all[0]!] });
    expect(r.delivered).toEqual([0]);
    expect(r.error).toMatchObject({ code: 'gap', lastSeq: 0 });
    expect((r.error as Error).message).toBe(
      'Run run_a lost events 1 to 3: the replay does not have them either',
    );
  });

  it('fills a gap without an onEvent callback', async () => {
    const all = runOf(3);
    const r = await drive({
      connections: [[all[0]!, all[2]!, all[3]!]],
      replay: all,
      onEvent: undefined,
    });
    expect(r.delivered).toEqual([0, 1, 2, 3]);
  });
});

describe('driveRun: what each connection leaves behind', () => {
  it('opens nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new AbortError('stopped before it started'));
    const r = await drive({ connections: [runOf(2)], signal: controller.signal });
    expect(r.error).toBe(controller.signal.reason);
    expect(r.log).toEqual([]);
    expect(r.delivered).toEqual([]);
  });

  it("closes every connection's signal, and leaves no listener on the caller's signal", async () => {
    const all = runOf(4);
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const log: string[] = [];
    let opened = 0;
    const connections: Step[][] = [[all[0]!], [{ error: new ConnectionError('reset') }], all];
    const next = (signal: AbortSignal) => {
      signals.push(signal);
      return source(connections[opened++] ?? [], signal, log, `c${opened}`);
    };
    const delivered: (number | undefined)[] = [];
    for await (const envelope of driveRun({
      open: next,
      reopen: (_runId, signal) => next(signal),
      replayPage: async () => ({ events: [], count: 0 }),
      tracker: new SeqTracker(),
      limits: { maxResumeAttempts: 3, replayPageSize: 10, maxReplayPages: 1, resumeDelayMs: 0 },
      signal: controller.signal,
    })) {
      delivered.push(envelope.seq);
    }
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
    expect(signals).toHaveLength(3);
    expect(signals.map((s) => s.aborted)).toEqual([true, true, true]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('throws a RunStreamError from a connection as it came', async () => {
    const bad = new RunStreamError('A run stream line is not JSON', {
      code: 'malformed',
      lastSeq: 41,
    });
    const r = await drive({ connections: [[env(0, 'start'), { error: bad }]] });
    expect(r.error).toBe(bad);
  });

  it('turns an oversized event into a RunStreamError that knows the last seq delivered', async () => {
    const oversized = new StreamError('event over 1 MiB', { code: 'oversized' });
    const r = await drive({ connections: [[env(0, 'start'), env(1), { error: oversized }]] });
    expect(r.error).toBeInstanceOf(RunStreamError);
    expect(r.error).toMatchObject({ code: 'oversized', lastSeq: 1, message: 'event over 1 MiB' });
    expect((r.error as Error).cause).toBe(oversized);
  });

  it('gives up with the last failure as the cause', async () => {
    const all = runOf(3);
    const last = new ConnectionError('refused (4)');
    const r = await drive({
      connections: [
        [all[0]!, { error: new ConnectionError('refused (1)') }],
        [{ error: new ConnectionError('refused (2)') }],
        [{ error: new ConnectionError('refused (3)') }],
        [{ error: last }],
      ],
      replay: [all[0]!],
    });
    expect(r.error).toMatchObject({ code: 'truncated', lastSeq: 0, retriable: true });
    expect((r.error as Error).cause).toBe(last);
  });

  it('gives up without a cause when the stream kept going silent after the run finished', async () => {
    const all = runOf(3);
    const r = await drive({
      connections: [[all[0]!, 'hang'], ['hang'], ['hang'], ['hang']],
      replay: [all[0]!],
      probe: { firstMs: 1, maxMs: 1 },
      isFinished: async () => true,
    });
    expect(r.error).toMatchObject({ code: 'truncated', lastSeq: 0 });
    expect((r.error as Error).cause).toBeUndefined();
  });
});

describe('driveRun: waiting between attempts', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Connections that each end at once, with nothing new in the replay; open times recorded. */
  function endlessResumes(limits: Partial<ResumeDriverInit['limits']>) {
    const opens: number[] = [];
    const log: string[] = [];
    const start = Date.now();
    const first = runOf(3)[0]!;
    const controller = new AbortController();
    const driver = driveRun({
      open: (signal) => {
        opens.push(Date.now() - start);
        return source([first], signal, log, 'open');
      },
      reopen: (_runId, signal) => {
        opens.push(Date.now() - start);
        return source([], signal, log, 'reopen');
      },
      replayPage: async () => ({ events: [], count: 0 }),
      tracker: new SeqTracker(),
      limits: {
        maxResumeAttempts: 5,
        replayPageSize: 10,
        maxReplayPages: 1,
        resumeDelayMs: 1000,
        ...limits,
      },
      signal: controller.signal,
    });
    return { driver, opens, controller };
  }

  it('resumes at once the first time, then backs off with jitter, doubling up to 5 s', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { driver, opens } = endlessResumes({});
    expect((await driver.next()).value).toMatchObject({ seq: 0 });
    const failed = driver.next().catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await failed).toMatchObject({ code: 'truncated', lastSeq: 0 });
    // Attempt 1 at once; then half (the jitter) of 1, 2, 4 and (capped) 5 seconds.
    expect(opens).toEqual([0, 0, 500, 1500, 3500, 6000]);
  });

  it('an abort interrupts the wait, and nothing is opened after it', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { driver, opens, controller } = endlessResumes({ resumeDelayMs: 60_000 });
    await driver.next();
    const pending = driver.next().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2000);
    // The first resume went at once; the second waits 2.5 s (half of the 5 s cap).
    expect(opens).toEqual([0, 0]);
    const reason = new Error('user gave up');
    controller.abort(reason);
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);
    await vi.runAllTimersAsync();
    expect(opens).toEqual([0, 0]);
  });

  it('resumes after a stall without waiting: the run has finished, the rest is in the replay', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const all = runOf(3);
    let replays = 0;
    const start = Date.now();
    const r = drive({
      limits: {
        maxResumeAttempts: 5,
        replayPageSize: 100,
        maxReplayPages: 5,
        resumeDelayMs: 60_000,
      },
      connections: [[all[0]!, 'hang'], ['hang'], ['hang']],
      replay: (from) => (replays++ < 2 ? [] : all.filter((e) => (e.seq ?? 0) >= from)),
      probe: { firstMs: 5, maxMs: 5 },
      isFinished: async () => true,
    });
    await vi.runAllTimersAsync();
    expect((await r).delivered).toEqual([0, 1, 2, 3]);
    expect(Date.now() - start).toBeLessThan(100);
  });

  it('does not probe while the consumer holds an event, only while the stream is silent', async () => {
    vi.useFakeTimers();
    const all = runOf(3);
    let checks = 0;
    const log: string[] = [];
    const controller = new AbortController();
    const driver = driveRun({
      open: (signal) => source([all[0]!, all[1]!, 'hang'], signal, log, 'open'),
      reopen: () => {
        throw new Error('no reopen');
      },
      replayPage: async () => ({ events: [], count: 0 }),
      runId: RUN,
      tracker: new SeqTracker(),
      limits: { maxResumeAttempts: 1, replayPageSize: 10, maxReplayPages: 1, resumeDelayMs: 0 },
      signal: controller.signal,
      probe: { firstMs: 5, maxMs: 5 },
      isFinished: async () => {
        checks++;
        return false;
      },
    });
    expect((await driver.next()).value).toMatchObject({ seq: 0 });
    // A slow consumer: a minute with the event in hand.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(checks).toBe(0);
    expect((await driver.next()).value).toMatchObject({ seq: 1 });
    const silent = driver.next();
    await vi.advanceTimersByTimeAsync(5);
    expect(checks).toBe(1);
    controller.abort(new AbortError('done'));
    await expect(silent).rejects.toBeInstanceOf(AbortError);
  });
});

describe('abortError', () => {
  it('wraps a reason whose cause is one of our errors but not an abort', () => {
    const made = abortError('reason', new ConnectionError('reset'));
    expect(made).toBeInstanceOf(AbortError);
    expect(made.message).toBe('The run stream was aborted');
    expect(made.cause).toBe('reason');
  });
});
