// docs/protocols/agent-sdk.md §1.9: the replay has no "more" flag; page with
// `from_seq = lastSeq + 1` until a page comes back short.
import type { StreamEnvelope } from '@uplink/core-schemas/agent-sdk';

/** Fetch one replay page (`GET /run/{id}/events/replay?from_seq=&limit=`). */
export type FetchReplayPage = (
  fromSeq: number,
  limit: number,
  signal: AbortSignal,
) => Promise<{ events: StreamEnvelope[]; count: number }>;

/** Paging limits. */
export interface ReplayPaging {
  /** `limit` per page. */
  pageSize: number;
  /** Pages fetched at most per pass. */
  maxPages: number;
}

/**
 * Why paging stopped: a page shorter than `limit` (nothing more), a full page that moved
 * `fromSeq()` nowhere (only unsequenced or already-seen events: asking again would return the
 * same page), or the page budget.
 */
export type ReplayStop = 'short-page' | 'no-progress' | 'max-pages';

/**
 * The replay pages from `fromSeq()` on, one at a time. The consumer handles a page (advancing
 * `fromSeq()` as it accepts events) before the next is fetched, and may stop early; the
 * generator's return value says why paging stopped.
 */
export async function* replayPages(
  fetchPage: FetchReplayPage,
  fromSeq: () => number,
  paging: ReplayPaging,
  signal: AbortSignal,
): AsyncGenerator<StreamEnvelope[], ReplayStop> {
  for (let page = 0; page < paging.maxPages; page++) {
    const from = fromSeq();
    const { events, count } = await fetchPage(from, paging.pageSize, signal);
    yield events;
    if (count < paging.pageSize) return 'short-page';
    if (fromSeq() === from) return 'no-progress';
  }
  return 'max-pages';
}
