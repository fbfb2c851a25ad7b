// The @uplink/http bench suites, each a race against the peers on the same loopback server.
import {
  type Contender,
  defaultRounds,
  importTime,
  type Measured,
  pairedMedian,
  race,
  runCalls,
  speedTable,
  type Table,
} from '@uplink/bench';
import {
  peerEntries,
  requestPeers,
  SmallSchema,
  sseAiSdk,
  sseOpenAI,
  sseRaw,
  sseRawIterator,
  TokenSchema,
} from '@uplink/bench/peers';
import * as v from 'valibot';
import { createHttpClient } from '../src/index.js';

type Suite = { table: Table; metrics: Record<string, number> };

const End = v.looseObject({});

/** streamSSE with schemas, a terminal event and every check on (validation included). */
async function sseUplink(url: string, n: number): Promise<number> {
  const client = createHttpClient({ baseUrl: url });
  let count = 0;
  for await (const message of client.streamSSE(`/sse?n=${n}`, {
    events: { token: TokenSchema, end: End },
    terminal: ['end'],
  })) {
    if (message.event === 'token' && (message.data as { i: number }).i >= 0) count++;
  }
  if (count !== n) throw new Error(`streamSSE saw ${count} events, expected ${n}`);
  return n;
}

/** Typed SSE throughput over `n` token events. */
export async function sseSuite(url: string, n: number): Promise<Suite> {
  const contenders: Contender[] = [
    {
      id: 'raw',
      label: 'fetch + eventsource-parser + JSON.parse (callbacks)',
      run: () => sseRaw(url, n),
    },
    {
      id: 'rawIterator',
      label: 'the same behind a minimal async iterator',
      run: () => sseRawIterator(url, n),
    },
    {
      id: 'uplink',
      label: '**@uplink/http `streamSSE`** (schemas checked)',
      run: () => sseUplink(url, n),
    },
    { id: 'openai', label: 'openai-node `Stream` (no schema)', run: () => sseOpenAI(url, n) },
    {
      id: 'aiSdk',
      label: 'ai-sdk `parseJsonEventStream` (same valibot schema)',
      run: () => sseAiSdk(url, n),
    },
  ];
  return speedTable(
    'sse',
    `Typed SSE, ${n / 1000}k token events`,
    'events',
    await race(contenders),
    'raw',
  );
}

/** Small JSON GETs, `concurrency` at a time. */
export async function requestSuite(url: string, n: number, concurrency: number): Promise<Suite> {
  const peers = requestPeers(url);
  const client = createHttpClient({ baseUrl: url });
  const contender = (id: string, label: string, call: () => Promise<unknown>): Contender => ({
    id,
    label,
    run: () => runCalls(n, concurrency, call),
  });
  const contenders = [
    contender('raw', 'fetch + `res.json()`', peers.raw as () => Promise<unknown>),
    contender(
      'kyOff',
      'ky, policies off (retry 0, no timeout, no throw)',
      peers.kyOff as () => Promise<unknown>,
    ),
    contender('ky', 'ky, defaults', peers.ky as () => Promise<unknown>),
    contender('uplink', '**@uplink/http `get`** (schema checked, retries on)', () =>
      client.get('/json', SmallSchema),
    ),
    contender(
      'openai',
      'openai-node `client.get` (retries off)',
      peers.openai as () => Promise<unknown>,
    ),
  ];
  // Short runs, more rounds: per-request figures need the paired medians of many rounds.
  const measured = await race(contenders, { rounds: Math.max(defaultRounds(), 11) });
  const suite = concurrency === 1 ? 'requests' : `requests${concurrency}`;
  const result = speedTable(
    suite,
    `Small JSON GET, ${concurrency === 1 ? 'one at a time' : `${concurrency} concurrent`}, ${n} per run`,
    'requests',
    measured,
    'raw',
  );
  return result;
}

/** Milliseconds to import each entry in a fresh process (median of 10). */
export async function importSuite(): Promise<Suite> {
  const entries: [string, string, string][] = [
    ['http', '**@uplink/http**', new URL('../dist/index.js', import.meta.url).href],
    [
      'coreSchemas',
      '@uplink/core-schemas',
      new URL('../../core-schemas/dist/index.js', import.meta.url).href,
    ],
    ['ky', 'ky', peerEntries.ky],
    ['eventsourceParser', 'eventsource-parser', peerEntries['eventsource-parser']],
    ['valibot', 'valibot', peerEntries.valibot],
    ['openai', 'openai', peerEntries.openai],
  ];
  const metrics: Record<string, number> = {};
  const rows: string[][] = [];
  for (const [id, label, url] of entries) {
    const { ms, all } = await importTime(url, 10);
    metrics[`import.${id}.ms`] = Math.round(ms * 10) / 10;
    rows.push([
      label,
      ms.toFixed(1),
      `${Math.min(...all).toFixed(1)}–${Math.max(...all).toFixed(1)}`,
    ]);
  }
  return {
    table: {
      title: 'Import time in a fresh process (`await import()`, median of 10 processes)',
      columns: ['entry', 'ms', 'range'],
      rows,
    },
    metrics,
  };
}

/**
 * Library overhead alone: the same small GET with `globalThis.fetch` replaced by an in-memory
 * one that answers at once, so no socket, parser or server runs and what is left is each
 * library's own per-request work (ky's included). Runs are long (tens of thousands of calls)
 * because sub-microsecond differences drown in a shared machine's noise otherwise.
 */
export async function inMemoryRequestSuite(n: number): Promise<Suite & { ourWorkUs: number }> {
  const body = JSON.stringify({ id: 'task-1', status: 'running', attempt: 1, ok: true });
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async () => new Response(body, { headers })) as typeof fetch;
  try {
    const url = 'http://127.0.0.1:9';
    const peers = requestPeers(url);
    const client = createHttpClient({ baseUrl: url });
    const contender = (id: string, label: string, call: () => Promise<unknown>): Contender => ({
      id,
      label,
      run: () => runCalls(n, 1, call),
    });
    const measured = await race(
      [
        contender('kyOff', 'ky, policies off', peers.kyOff as () => Promise<unknown>),
        contender('uplink', '**@uplink/http `get`**', () => client.get('/json', SmallSchema)),
        contender('ky', 'ky, defaults', peers.ky as () => Promise<unknown>),
        contender('openai', 'openai-node `client.get`', peers.openai as () => Promise<unknown>),
      ],
      { rounds: Math.max(defaultRounds(), 11) },
    );
    const kyOff = measured.find((m) => m.id === 'kyOff') as Measured;
    const metrics: Record<string, number> = {};
    const rows = measured.map((m) => {
      const extra = pairedMedian(
        kyOff.samples,
        m.samples,
        (k, x) => ((x.cpuMs - k.cpuMs) * 1000) / n,
      );
      metrics[`requestsInMemory.${m.id}.cpuUs`] = Math.round(m.cpuUsPerUnit * 100) / 100;
      metrics[`requestsInMemory.${m.id}.overKyOffUs`] = Math.round(extra * 100) / 100;
      return [
        m.label,
        m.cpuUsPerUnit.toFixed(2),
        m.id === 'kyOff' ? '-' : `${extra >= 0 ? '+' : ''}${extra.toFixed(2)}`,
      ];
    });
    return {
      table: {
        title: `Per-request library work with the network taken out (in-memory fetch, ${n} calls per run)`,
        columns: ['library', 'CPU µs/request', 'µs over ky (policies off)'],
        rows,
      },
      metrics,
      ourWorkUs: metrics['requestsInMemory.uplink.overKyOffUs'] as number,
    };
  } finally {
    globalThis.fetch = realFetch;
  }
}
