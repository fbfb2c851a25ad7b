import { NotFoundError } from '@uplink/core-schemas';
import { createSeededRandom } from '@uplink/testing';
import { describe, expect, it, vi } from 'vitest';
import { RunStreamError } from '../src/index.js';
import { clientFor, fakeServer, requestsTo, seqsOf } from './helpers.js';

const messages = (n: number) => () =>
  Array.from({ length: n }, (_, i) => ({ content: `message ${i}` }));

describe('streamRun (docs/protocols/agent-sdk.md §1.7)', () => {
  it('delivers a healthy run and its result; the run id comes from the first event', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake);
    const stream = client.streamRun({ task: 'Summarise' }, { requestId: 'rq-s' });
    expect(stream.runId).toBeUndefined();
    const texts: string[] = [];
    for await (const text of stream.textStream) texts.push(text);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toBe('Step 1: Summarise\nResult: [mock] Summarise');
    expect(stream.runId).toMatch(/^run_/);
    const result = await stream.finalResult();
    expect(result).toMatchObject({
      status: 'completed',
      lastSeq: 3,
      runId: stream.runId,
      requestId: 'rq-s',
    });
    expect(result.messages.map((m) => m.metadata.type)).toEqual(['plan', 'execution_step']);
    expect(requestsTo(fake, 'POST', '/run/stream')[0]?.headers.accept).toBe('text/event-stream');
    expect(requestsTo(fake, 'GET', '/run/')).toHaveLength(0);
  });

  it('reads the fixture spelling', async () => {
    const fake = await fakeServer({ fixtureSpelling: true });
    const texts: string[] = [];
    for await (const text of clientFor(fake).streamRun({ task: 'hi' }).textStream) texts.push(text);
    expect(texts).toEqual([
      expect.stringContaining('"task": "hi"'),
      'Step 1: hi\nResult: [mock] hi',
    ]);
  });

  it('a failed run ends the stream normally; its result says error', async () => {
    const fake = await fakeServer({ failTask: () => 'model unavailable' });
    const result = await clientFor(fake).streamRun({ task: 't' }).finalResult();
    expect(result).toMatchObject({ status: 'error', error: 'model unavailable', lastSeq: 1 });
  });

  it("the server's stream-failure event fails the stream with server_error", async () => {
    const fake = await fakeServer({
      streamFailure: { afterEvents: 1, message: 'generator crashed' },
    });
    const error = await clientFor(fake)
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStreamError);
    expect(error).toMatchObject({ code: 'server_error', lastSeq: 0 });
    expect((error as Error).message).toContain('generator crashed');
  });
});

describe('gap-free delivery (docs/protocols/agent-sdk.md §1.8)', () => {
  it('seq 0 then silence: the status probe finds the run finished and the replay delivers the rest', async () => {
    const fake = await fakeServer({ seqZeroThenSilence: true });
    const client = clientFor(fake, { statusProbeMs: 20 });
    const stream = client.streamRun({ task: 'fast' });
    expect(await seqsOf(stream)).toEqual([0, 1, 2, 3]);
    const runId = stream.runId!;
    expect(requestsTo(fake, 'GET', `/run/${runId}`).length).toBeGreaterThanOrEqual(1);
    expect(requestsTo(fake, 'GET', `/run/${runId}/events/replay`).map((r) => r.url)).toEqual([
      `/v1/run/${runId}/events/replay?from_seq=1&limit=1000`,
    ]);
    expect(
      requestsTo(fake, 'GET', `/run/${runId}/events`).filter((r) => !r.url.includes('replay')),
    ).toHaveLength(0);
  });

  it('seq 0 then silence with the probe off: the idle timeout, then the replay', async () => {
    const fake = await fakeServer({ seqZeroThenSilence: true });
    const client = clientFor(fake, { statusProbeMs: false, streamIdleTimeoutMs: 60 });
    const stream = client.streamRun({ task: 'fast' });
    expect(await seqsOf(stream)).toEqual([0, 1, 2, 3]);
    expect(fake.state.requests.filter((r) => r.url === `/v1/run/${stream.runId}`)).toHaveLength(0);
    expect(requestsTo(fake, 'GET', `/run/${stream.runId}/events/replay`)).toHaveLength(1);
  });

  it('with an org other than default, resumes through the org rewrite', async () => {
    const fake = await fakeServer({ seqZeroThenSilence: true });
    const client = clientFor(fake, { orgId: 'acme', statusProbeMs: 10 });
    const stream = client.streamRun({ task: 'fast' });
    expect(await seqsOf(stream)).toEqual([0, 1, 2, 3]);
    const orgs = requestsTo(fake, 'GET', `/run/${stream.runId}`).map((r) => r.headers['x-org-id']);
    expect(orgs.slice(0, 2)).toEqual(['acme', 'default']);
    expect(orgs.at(-1)).toBe('default');
  });

  it('fills seq gaps from the replay', async () => {
    const fake = await fakeServer({ dropSeqs: [1, 2], respond: messages(3) });
    const stream = clientFor(fake).streamRun({ task: 't' });
    expect(await seqsOf(stream)).toEqual([0, 1, 2, 3, 4]);
    expect(requestsTo(fake, 'GET', '/run/').map((r) => r.url)).toEqual([
      `/v1/run/${stream.runId}/events/replay?from_seq=1&limit=1000`,
    ]);
  });

  it('resumes after a mid-stream disconnect without gaps or duplicates', async () => {
    const fake = await fakeServer({
      midStreamDisconnect: { afterEvents: 2 },
      respond: messages(5),
      messageDelayMs: 2,
    });
    const stream = clientFor(fake).streamRun({ task: 't' });
    expect(await seqsOf(stream)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reopens GET /run/{id}/events for a run still going, dropping what it has seen', async () => {
    // seq 0 and 1 come at once, the rest only when the test flushes the run.
    const fake = await fakeServer({
      midStreamDisconnect: { afterEvents: 2 },
      messageDelayMs: 60_000,
      respond: messages(3),
    });
    const stream = clientFor(fake, { statusProbeMs: false }).streamRun({ task: 't' });
    const delivered = seqsOf(stream);
    const run = () => [...fake.state.runs.values()][0]!;
    // The reopened GET /run/{id}/events waits on the live queue: then the run finishes.
    await vi.waitFor(
      () => expect(run().sseResponses === 2 && run().queue?.waiting === 1).toBe(true),
      {
        interval: 5,
      },
    );
    run().flush();
    expect(await delivered).toEqual([0, 1, 2, 3, 4]);
    const events = requestsTo(fake, 'GET', `/run/${stream.runId}/events`).filter(
      (r) => !r.url.includes('replay'),
    );
    expect(events).toHaveLength(1);
    expect(requestsTo(fake, 'GET', `/run/${stream.runId}/events/replay`)).toHaveLength(1);
  });

  it('two consumers of one live run each get every event once', async () => {
    const fake = await fakeServer({ runDelayMs: 50, respond: messages(4), messageDelayMs: 2 });
    const client = clientFor(fake, { statusProbeMs: 20 });
    const first = client.streamRun({ task: 'shared' });
    const it = first[Symbol.asyncIterator]();
    const head = await it.next();
    const second = client.events(first.runId!);
    const [rest, other] = await Promise.all([
      (async () => {
        const seqs = [head.value?.seq];
        for (let n = await it.next(); !n.done; n = await it.next()) seqs.push(n.value.seq);
        return seqs;
      })(),
      seqsOf(second),
    ]);
    expect(rest).toEqual([0, 1, 2, 3, 4, 5]);
    expect(other).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('events(runId, {fromSeq}) skips earlier events; unknown and synchronous runs are 404', async () => {
    const fake = await fakeServer();
    const client = clientFor(fake);
    const channel = await client.continueSession('sess_a', 'hi');
    expect(await seqsOf(client.events(channel.run_id, { fromSeq: 2 }))).toEqual([2, 3]);
    await expect(client.events('run_missing').finalResult()).rejects.toBeInstanceOf(NotFoundError);
    const sync = await client.run({ task: 't' });
    const error = await client
      .events(sync.runId)
      .finalResult()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('Run not found');
  });

  it('gives up, typed and with lastSeq, when resuming keeps failing', async () => {
    const fake = await fakeServer({
      midStreamDisconnect: { afterEvents: 1, streams: 100 },
      runDelayMs: 60_000,
      faults: { seed: 1, routes: { 'GET /v1/run/*/events/replay': { serverError: 1 } } },
    });
    const client = clientFor(fake, {
      retry: false,
      maxResumeAttempts: 2,
      resumeDelayMs: 1,
      statusProbeMs: false,
    });
    const error = await client
      .streamRun({ task: 't' })
      .finalResult()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStreamError);
    expect(error).toMatchObject({ code: 'truncated', lastSeq: 0, retriable: true });
    expect((error as Error).message).toMatch(
      /could not be resumed after 2 attempt\(s\) without a new event; last seq delivered: 0/,
    );
    expect(fake.state.faults.stats.serverError).toBe(2);
  });
});

describe('gap-free delivery under seeded random faults', () => {
  const SEEDS = 200;
  it(`delivers every event exactly once, in order, for ${SEEDS} seeds of lost events, cut streams and failing reads`, async () => {
    const started = Date.now();
    const totals = { droppedSeqs: 0, cuts: 0, dropEvent: 0, serverError: 0, reads: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const random = createSeededRandom(seed);
      // The first event of POST /run/stream is never lost: without it the run id is unknown
      // and no client can resume (that case has its own test). Everything else may be.
      const dropSeqs = Array.from({ length: 11 }, (_, i) => i + 1).filter(() => random() < 0.2);
      const cut = {
        afterEvents: 1 + Math.floor(random() * 11),
        streams: 1 + Math.floor(random() * 3),
      };
      const fake = await fakeServer({
        respond: messages(10),
        runDelayMs: Math.floor(random() * 3) * 4,
        messageDelayMs: Math.floor(random() * 3),
        dropSeqs,
        midStreamDisconnect: cut,
        faults: {
          seed,
          routes: {
            'GET /v1/run/*/events': { dropEvent: 0.1, cutStream: 0.1 },
            'GET /v1/run/*/events/replay': { serverError: 0.15 },
            'GET /v1/run/*': { serverError: 0.1 },
          },
        },
      });
      const client = clientFor(fake, {
        statusProbeMs: 15,
        resumeDelayMs: 1,
        maxResumeAttempts: 20,
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
      });
      const stream = client.streamRun({ task: `seed ${seed}` });
      expect(await seqsOf(stream), `seed ${seed}`).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      totals.droppedSeqs += dropSeqs.length;
      for (const run of fake.state.runs.values()) totals.cuts += run.cuts;
      for (const key of ['dropEvent', 'serverError'] as const)
        totals[key] += fake.state.faults.stats[key];
      totals.reads += requestsTo(fake, 'GET', '/run/').length;
      await client.close();
      await fake.close();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `resume under faults: ${SEEDS} seeds in ${seconds.toFixed(1)} s; ${totals.droppedSeqs} seqs never streamed, ${totals.cuts} streams cut mid-way, ${totals.dropEvent} more events dropped, ${totals.serverError} 503s on reads; ${totals.reads} replay, events and status requests`,
    );
    expect(totals.droppedSeqs).toBeGreaterThan(SEEDS);
    expect(totals.cuts).toBeGreaterThan(SEEDS);
    expect(totals.serverError).toBeGreaterThan(10);
    expect(seconds).toBeLessThan(60);
  }, 90_000);
});
