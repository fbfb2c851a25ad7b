import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeAgentSdk, startFakeAgentSdk } from './fake-agent-sdk.js';
import type { FakeAgentSdkOptions } from './options.js';
import type { FakeRun } from './state.js';
import { call, readSse, streamRun } from './test-helpers.js';

let fake: FakeAgentSdk | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
const start = async (options: FakeAgentSdkOptions = {}): Promise<FakeAgentSdk> => {
  fake = await startFakeAgentSdk(options);
  return fake;
};
const onlyRun = (f: FakeAgentSdk): FakeRun => [...f.state.runs.values()].at(-1) as FakeRun;
const seqsOf = (events: Record<string, unknown>[]) => events.map((e) => e.seq);
/** Resolves once the run has finished and a consumer of it waits on its live queue. */
const silentAfterRun = async (run: () => FakeRun, waiting = 1) => {
  // The run first: before it ends, a consumer may wait on the queue and still get events.
  await run().done;
  await vi.waitFor(() => expect(run().queue?.waiting).toBe(waiting), {
    timeout: 5000,
    interval: 5,
  });
};

describe('SSE streams (docs/protocols/agent-sdk.md §1.7)', () => {
  it('writes data-only events with spaced JSON, seq from 0, ending after the terminal event', async () => {
    const f = await start();
    const response = await streamRun(f, 'héllo', { 'x-org-id': 'acme', 'x-request-id': 'rq' });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('x-request-id')).toBe('rq');
    const { events, raw, outcome } = await readSse(response);
    expect(outcome).toBe('ended');
    expect(raw).not.toMatch(/^(event|id|retry):/m);
    expect(raw).toContain('{"run_id": "run_');
    expect(raw).toContain('h\\u00e9llo');
    expect(seqsOf(events)).toEqual([0, 1, 2, 3]);
    expect(events.map((e) => `${e.stream}/${e.event}`)).toEqual([
      'lifecycle/start',
      'assistant/message',
      'assistant/message',
      'lifecycle/end',
    ]);
    expect(events[0]).toMatchObject({
      status: 'running',
      payload: { task: 'héllo' },
      metadata: { org_id: 'acme' },
    });
    expect(events[1]).not.toHaveProperty('status');
    expect(events[3]).toMatchObject({ status: 'completed', payload: { status: 'completed' } });
  });

  it('GET /run/{id}/events sends the history of a finished run and closes; 404 for unknown and synchronous runs', async () => {
    const f = await start();
    const channel = (await call(f, '/v1/channels/webhook', { body: { message: 'm' } })).json as {
      run_id: string;
    };
    const response = await fetch(`${f.url}/v1/run/${channel.run_id}/events`, {
      headers: { 'x-api-key': f.apiKey },
    });
    const { events, outcome } = await readSse(response);
    expect(outcome).toBe('ended');
    expect(seqsOf(events)).toEqual([0, 1, 2, 3]);
    expect((await call(f, '/v1/run/run_missing/events')).json).toEqual({ detail: 'Run not found' });
  });

  it('rewrites a finished streamed run to org default (reads under its org are 403)', async () => {
    const f = await start();
    await readSse(await streamRun(f, 't', { 'x-org-id': 'acme' }));
    const run = onlyRun(f);
    await run.done;
    const id = run.record.run_id;
    for (const path of [`/v1/run/${id}`, `/v1/run/${id}/events/replay`, `/v1/run/${id}/events`]) {
      expect((await call(f, path, { headers: { 'x-org-id': 'acme' } })).json, path).toEqual({
        detail: 'Forbidden',
      });
    }
    const record = (await call(f, `/v1/run/${id}`)).json as Record<string, unknown>;
    expect(record).toMatchObject({
      org_id: 'default',
      status: 'completed',
      started_at: null,
      ended_at: null,
    });
    expect((record.metadata as Record<string, unknown>).token_count).toBeGreaterThan(0);
  });

  it('ends a failed run with lifecycle/error and an error record', async () => {
    const f = await start({ failTask: () => 'model unavailable' });
    const { events } = await readSse(await streamRun(f, 't'));
    expect(events.map((e) => [e.seq, e.event, e.status])).toEqual([
      [0, 'start', 'running'],
      [1, 'error', 'error'],
    ]);
    expect(events[1]?.payload).toEqual({ error: 'model unavailable' });
    expect(onlyRun(f).record.status).toBe('error');
  });
});

describe('delivery quirks (docs/protocols/agent-sdk.md §1.8)', () => {
  it('splits one run between two consumers: 0,1,3 and 0,2, the second then hangs', async () => {
    const f = await start({ runDelayMs: 60_000 });
    const first = await streamRun(f, 'split');
    const firstRead = readSse(first);
    await vi.waitFor(() => expect(onlyRun(f).queue?.waiting).toBe(1), { interval: 5 });
    const runId = onlyRun(f).record.run_id;
    const second = await fetch(`${f.url}/v1/run/${runId}/events`, {
      headers: { 'x-api-key': f.apiKey },
    });
    const secondRead = readSse(
      second,
      silentAfterRun(() => onlyRun(f)),
    );
    await vi.waitFor(() => expect(onlyRun(f).queue?.waiting).toBe(2), { interval: 5 });
    onlyRun(f).flush();
    const a = await firstRead;
    const b = await secondRead;
    expect(seqsOf(a.events)).toEqual([0, 1, 3]);
    expect(a.outcome).toBe('ended');
    expect(seqsOf(b.events)).toEqual([0, 2]);
    expect(b.outcome).toBe('stopped');
    const replay = (await call(f, `/v1/run/${runId}/events/replay`)).json as {
      events: { seq: number }[];
    };
    expect(replay.events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
  });

  it('keeps one bounded queue per run that fills without readers and drops the oldest', async () => {
    const f = await start({
      runDelayMs: 60_000,
      liveQueueSize: 2,
      respond: () => Array.from({ length: 6 }, (_, i) => ({ content: `m${i}` })),
    });
    const controller = new AbortController();
    const response = await streamRun(f, 't', {}, controller.signal);
    const read = readSse(response);
    await vi.waitFor(() => expect(onlyRun(f).queue?.waiting).toBe(1), { interval: 5 });
    controller.abort();
    await read;
    await vi.waitFor(() => expect(onlyRun(f).queue?.waiting).toBe(0), { interval: 5 });
    onlyRun(f).flush();
    const queue = onlyRun(f).queue!;
    expect(queue.size).toBe(2);
    expect(queue.dropped).toBe(5);
    const replay = (await call(f, `/v1/run/${onlyRun(f).record.run_id}/events/replay`)).json as {
      count: number;
    };
    expect(replay.count).toBe(8);
  });

  it('seqZeroThenSilence: seq 0, then nothing and no close, while the run completes and the replay has it all', async () => {
    const f = await start({ seqZeroThenSilence: true, runDelayMs: 60_000 });
    const response = await streamRun(f, 'fast');
    const { events, outcome } = await readSse(
      response,
      silentAfterRun(() => onlyRun(f)),
    );
    expect(seqsOf(events)).toEqual([0]);
    expect(outcome).toBe('stopped');
    const run = onlyRun(f);
    expect(run.record.status).toBe('completed');
    expect(run.queue?.size).toBe(0);
    const replay = (await call(f, `/v1/run/${run.record.run_id}/events/replay`)).json as {
      events: { seq: number }[];
    };
    expect(replay.events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
  });

  it('keeps at most maxEvents of history', async () => {
    const f = await start({
      maxEvents: 3,
      respond: () => Array.from({ length: 4 }, (_, i) => ({ content: `m${i}` })),
    });
    const channel = (await call(f, '/v1/channels/webhook', { body: { message: 'm' } })).json as {
      run_id: string;
    };
    const replay = (await call(f, `/v1/run/${channel.run_id}/events/replay?from_seq=0`)).json as {
      events: { seq: number }[];
    };
    expect(replay.events.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('paces events with messageDelayMs, so a consumer sees each before the next exists', async () => {
    const f = await start({ messageDelayMs: 40 });
    const response = await streamRun(f, 'paced');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"seq": 1'))
      text += decoder.decode((await reader.read()).value, { stream: true });
    expect(onlyRun(f).history.map((e) => e.seq)).toEqual([0, 1]);
    await reader.cancel();
  });
});

describe('switches (docs/protocols/agent-sdk.md §5)', () => {
  it('fixtureSpelling sends assistant.message with payload.text', async () => {
    const f = await start({ fixtureSpelling: true });
    const { events } = await readSse(await streamRun(f, 't'));
    expect(events[1]).toMatchObject({
      stream: 'assistant',
      event: 'assistant.message',
      status: 'running',
    });
    expect(Object.keys(events[1]?.payload as object)).toEqual(['text']);
  });

  it('dropSeqs leaves seqs out of streams but not out of the replay', async () => {
    const f = await start({ dropSeqs: [2] });
    const { events, outcome } = await readSse(await streamRun(f, 't'));
    expect(seqsOf(events)).toEqual([0, 1, 3]);
    expect(outcome).toBe('ended');
    expect(onlyRun(f).history.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
  });

  it('midStreamDisconnect cuts the first response of a run after N events', async () => {
    const f = await start({ midStreamDisconnect: { afterEvents: 2 } });
    const cut = await readSse(await streamRun(f, 't'));
    expect(seqsOf(cut.events)).toEqual([0, 1]);
    expect(cut.outcome).toBe('cut');
    await onlyRun(f).done;
    const again = await fetch(`${f.url}/v1/run/${onlyRun(f).record.run_id}/events`, {
      headers: { 'x-api-key': f.apiKey },
    });
    const whole = await readSse(again);
    expect(seqsOf(whole.events)).toEqual([0, 1, 2, 3]);
    expect(whole.outcome).toBe('ended');
  });

  it('streamFailure writes the stream-failure event (no seq, session unknown) and ends', async () => {
    const f = await start({ streamFailure: { afterEvents: 1, message: 'boom' } });
    const { events, outcome } = await readSse(await streamRun(f, 't'));
    expect(outcome).toBe('ended');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      session_id: 'unknown',
      stream: 'lifecycle',
      event: 'error',
      status: 'error',
      payload: { error: 'boom' },
    });
    expect(events[1]).not.toHaveProperty('seq');
    expect(events[1]).not.toHaveProperty('metadata');
  });

  it('draws dropEvent and cutStream from the seeded injector, the same way for the same seed', async () => {
    const outcomes: string[] = [];
    for (const attempt of [1, 2]) {
      const f = await startFakeAgentSdk({
        faults: { seed: 3, routes: { 'POST /v1/run/stream': { dropEvent: 0.3, cutStream: 0.2 } } },
        respond: () => Array.from({ length: 30 }, (_, i) => ({ content: `m${i}` })),
      });
      try {
        const { events, outcome } = await readSse(await streamRun(f, 't'));
        outcomes.push(`${outcome}:${seqsOf(events).join(',')}`);
        const stats = f.state.faults.stats;
        expect(stats.dropEvent + stats.cutStream, `attempt ${attempt}`).toBeGreaterThan(0);
      } finally {
        await f.close();
      }
    }
    expect(outcomes[0]).toBe(outcomes[1]);
  });
});
