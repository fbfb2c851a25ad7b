/**
 * `pnpm bench` (here: `pnpm --filter @uplink/run-client bench`): run-event stream throughput of
 * RunClient.events() side by side with raw fetch + eventsource-parser + JSON.parse, @uplink/http's
 * streamSSE with the envelope schema, and openai-node's `Stream`, on the same SSE bytes from one
 * loopback server in its own process (the shared harness: warm-up, medians of interleaved
 * rounds, CPU per event beside the wall rate); then what gap detection costs when nothing is
 * missing, in memory. A full run rewrites the README's bench block.
 */
import {
  type Contender,
  median,
  Report,
  race,
  speedTable,
  startServerProcess,
} from '@uplink/bench';
import { openAIEvents } from '@uplink/bench/peers';
import { type StreamEnvelope, StreamEnvelopeSchema } from '@uplink/core-schemas/agent-sdk';
import { createHttpClient } from '@uplink/http';
import {
  driveRun,
  type EnvelopeSource,
  RunClient,
  RunStream,
  SeqTracker,
} from '@uplink/run-client';
import { createParser } from 'eventsource-parser';
import { EVENTS, RUN_ID, runBody } from './run-body.js';

const report = new Report('@uplink/run-client');
const server = await startServerProcess(new URL('./server.ts', import.meta.url));
const baseUrl = server.url;
const eventsUrl = `${baseUrl}/v1/run/${RUN_ID}/events`;

const expectAll = (what: string, count: number): number => {
  if (count !== EVENTS) throw new Error(`${what} saw ${count} events, expected ${EVENTS}`);
  return count;
};

/** Raw: fetch, a reader loop, TextDecoder, eventsource-parser and JSON.parse. */
async function viaRaw(): Promise<number> {
  const response = await fetch(eventsUrl, {
    headers: { accept: 'text/event-stream', 'x-api-key': 'k' },
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let ended = false;
  const parser = createParser({
    onEvent: (event) => {
      const data = JSON.parse(event.data) as { stream: string; event: string; seq: number };
      if (typeof data.seq !== 'number') throw new Error('bad event');
      count++;
      if (data.stream === 'lifecycle' && data.event === 'end') ended = true;
    },
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  if (!ended) throw new Error('raw: no terminal event');
  return expectAll('raw', count);
}

/** openai-node's `Stream` over the same response; JSON.parse, no schema. */
async function viaOpenAI(): Promise<number> {
  const controller = new AbortController();
  const response = await fetch(eventsUrl, {
    headers: { accept: 'text/event-stream', 'x-api-key': 'k' },
    signal: controller.signal,
  });
  let count = 0;
  for await (const item of openAIEvents<{ seq: unknown }>(response, controller)) {
    if (typeof item.data.seq === 'number') count++;
  }
  return expectAll('openai Stream', count);
}

/** The transport alone: @uplink/http's streamSSE validating each envelope, no seq tracking. */
const http = createHttpClient({ baseUrl, headers: { 'x-api-key': 'k' } });
async function viaValidatedSse(): Promise<number> {
  let count = 0;
  const stream = http.streamSSE(`/v1/run/${RUN_ID}/events`, {
    events: { message: StreamEnvelopeSchema },
    unknownEvents: 'drop',
  });
  for await (const message of stream) {
    if (message.event === 'message') count++;
  }
  return expectAll('streamSSE', count);
}

/** The client: RunClient.events() with seq tracking, gap detection and terminal detection. */
const client = new RunClient({ baseUrl, apiKey: 'k', env: {}, statusProbeMs: false });
async function viaClient(): Promise<number> {
  let count = 0;
  for await (const _event of client.events(RUN_ID)) count++;
  return expectAll('RunClient.events()', count);
}

const parsed = runBody()
  .split('\n\n')
  .filter(Boolean)
  .map((block) => JSON.parse(block.slice(6)) as StreamEnvelope);

/** Gap detection alone: SeqTracker.accept over the parsed events, in ns per event. */
function trackerNsPerEvent(): number {
  const started = performance.now();
  for (let round = 0; round < 20; round++) {
    const tracker = new SeqTracker();
    for (const event of parsed) if (tracker.accept(event).kind !== 'next') throw new Error('gap');
  }
  return ((performance.now() - started) * 1e6) / (20 * parsed.length);
}

/** An in-memory source of the parsed events, as a connection would hand them out. */
function memorySource(): EnvelopeSource {
  let i = 0;
  return {
    next: () =>
      Promise.resolve(
        i < parsed.length
          ? { done: false as const, value: parsed[i++] as StreamEnvelope }
          : { done: true as const, value: undefined },
      ),
    return: () => Promise.resolve({ done: true as const, value: undefined }),
  };
}

/**
 * The cost of gap detection when nothing is missing, without the network: the same events
 * through a RunStream fed directly, and through a RunStream fed by driveRun (seq tracking,
 * duplicate and gap checks, terminal detection, the resume loop). Nanoseconds per event.
 */
async function driverNsPerEvent(): Promise<{ plain: number; driven: number }> {
  const time = async (stream: RunStream): Promise<number> => {
    const started = performance.now();
    let count = 0;
    for await (const _event of stream) count++;
    expectAll('in-memory RunStream', count);
    return ((performance.now() - started) * 1e6) / count;
  };
  const plain: number[] = [];
  const driven: number[] = [];
  for (let round = 0; round < 6; round++) {
    plain.push(await time(new RunStream({ events: () => memorySource() })));
    driven.push(
      await time(
        new RunStream({
          events: (signal) =>
            driveRun({
              open: () => memorySource(),
              reopen: () => memorySource(),
              replayPage: async () => ({ events: [], count: 0 }),
              tracker: new SeqTracker(),
              limits: {
                maxResumeAttempts: 1,
                replayPageSize: 1000,
                maxReplayPages: 1,
                resumeDelayMs: 0,
              },
              signal,
            }),
        }),
      ),
    );
  }
  // The first round warms up.
  return { plain: median(plain.slice(1)), driven: median(driven.slice(1)) };
}

try {
  const contenders: Contender[] = [
    { id: 'raw', label: 'fetch + eventsource-parser + JSON.parse', run: viaRaw },
    { id: 'streamSSE', label: '@uplink/http `streamSSE` + envelope schema', run: viaValidatedSse },
    {
      id: 'uplink',
      label: '**`RunClient.events()`** (schema, seq tracking, gaps)',
      run: viaClient,
    },
    { id: 'openai', label: 'openai-node `Stream` (no schema)', run: viaOpenAI },
  ];
  const mib = (runBody().length / 1024 / 1024).toFixed(1);
  const measured = await race(contenders);
  const { table, metrics } = speedTable(
    'stream',
    `Run events, ${EVENTS / 1000}k per stream (${mib} MiB of SSE in the server's spaced JSON)`,
    'events',
    measured,
    'raw',
  );
  report.add(table, metrics);
  const { plain, driven } = await driverNsPerEvent();
  const clientNs = (measured.find((m) => m.id === 'uplink')?.cpuUsPerUnit ?? 0) * 1000;
  report.add(
    {
      title: 'Gap detection when nothing is missing (in memory, no network)',
      columns: ['figure', 'ns per event'],
      rows: [
        ['a plain RunStream', plain.toFixed(0)],
        ['the same fed by driveRun (seq tracking, gap and terminal checks)', driven.toFixed(0)],
        ['`SeqTracker.accept` alone', trackerNsPerEvent().toFixed(0)],
      ],
      notes: [
        `driveRun adds ${(driven - plain).toFixed(0)} ns per event, ${(((driven - plain) / clientNs) * 100).toFixed(1)}% of RunClient.events()' ${clientNs.toFixed(0)} ns of CPU per event.`,
      ],
    },
    { 'gaps.driveRunNs': Math.round(driven - plain) },
  );
  report.finish({ command: 'pnpm bench', readme: new URL('../README.md', import.meta.url) });
} finally {
  await client.close();
  await http.close();
  server.stop();
}
