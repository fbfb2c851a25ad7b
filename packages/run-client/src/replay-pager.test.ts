import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';
import { describe, expect, it } from 'vitest';
import { type FetchReplayPage, replayPages } from './replay-pager.js';

const event = (seq: number | undefined): StreamEnvelope => ({
  run_id: 'run_1',
  session_id: 's',
  stream: 'assistant',
  event: 'message',
  payload: {},
  timestamp: `t${seq}`,
  ...(seq === undefined ? {} : { seq }),
});

/** A replay over `seqs` with the server's filter (inclusive from_seq, unsequenced always) and limit. */
function server(seqs: (number | undefined)[]) {
  const calls: [number, number][] = [];
  const fetchPage: FetchReplayPage = async (fromSeq, limit) => {
    calls.push([fromSeq, limit]);
    const events = seqs
      .filter((s) => s === undefined || s >= fromSeq)
      .slice(0, limit)
      .map(event);
    return { events, count: events.length };
  };
  return { fetchPage, calls };
}

async function drain(
  fetchPage: FetchReplayPage,
  start: number,
  pageSize: number,
  maxPages: number,
): Promise<{ seen: (number | undefined)[]; stop: string }> {
  let next = start;
  const seen: (number | undefined)[] = [];
  const pages = replayPages(
    fetchPage,
    () => next,
    { pageSize, maxPages },
    new AbortController().signal,
  );
  for (;;) {
    const page = await pages.next();
    if (page.done) return { seen, stop: page.value };
    for (const e of page.value) {
      seen.push(e.seq);
      if (e.seq !== undefined && e.seq >= next) next = e.seq + 1;
    }
  }
}

describe('replayPages', () => {
  it('pages with from_seq = lastSeq + 1 until a short page', async () => {
    const { fetchPage, calls } = server([0, 1, 2, 3, 4]);
    const { seen, stop } = await drain(fetchPage, 1, 2, 10);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(stop).toBe('short-page');
    expect(calls).toEqual([
      [1, 2],
      [3, 2],
      [5, 2],
    ]);
  });

  it('stops at the first short page, including an empty one', async () => {
    const { fetchPage, calls } = server([0, 1]);
    expect(await drain(fetchPage, 0, 5, 10)).toEqual({ seen: [0, 1], stop: 'short-page' });
    expect(calls).toHaveLength(1);
    const empty = server([]);
    expect(await drain(empty.fetchPage, 0, 5, 10)).toEqual({ seen: [], stop: 'short-page' });
  });

  it('stops when a full page moved nothing forward (only unsequenced events)', async () => {
    const { fetchPage, calls } = server([undefined, undefined, 7]);
    const result = await drain(fetchPage, 0, 2, 10);
    expect(result).toEqual({ seen: [undefined, undefined], stop: 'no-progress' });
    expect(calls).toEqual([[0, 2]]);
  });

  it('stops after maxPages full pages that keep moving', async () => {
    const { fetchPage, calls } = server([0, 1, 2, 3, 4, 5, 6, 7]);
    const result = await drain(fetchPage, 0, 2, 3);
    expect(result).toEqual({ seen: [0, 1, 2, 3, 4, 5], stop: 'max-pages' });
    expect(calls).toHaveLength(3);
  });

  it('lets the consumer stop early without fetching more', async () => {
    const { fetchPage, calls } = server([0, 1, 2, 3]);
    const pages = replayPages(
      fetchPage,
      () => 0,
      { pageSize: 2, maxPages: 5 },
      new AbortController().signal,
    );
    await pages.next();
    await pages.return('short-page');
    expect(calls).toHaveLength(1);
  });

  it('passes the signal to every fetch and propagates fetch errors', async () => {
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const failing: FetchReplayPage = async (_from, _limit, signal) => {
      signals.push(signal);
      throw new Error('replay down');
    };
    const pages = replayPages(failing, () => 0, { pageSize: 1, maxPages: 1 }, controller.signal);
    await expect(pages.next()).rejects.toThrow('replay down');
    expect(signals).toEqual([controller.signal]);
    const none = replayPages(failing, () => 0, { pageSize: 1, maxPages: 0 }, controller.signal);
    expect(await none.next()).toEqual({ done: true, value: 'max-pages' });
  });
});
