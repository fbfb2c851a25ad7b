// Benchmark: run-event stream throughput of RunClient.events() against raw fetch +
// eventsource-parser + JSON.parse on the same SSE bytes from one loopback server, in the same
// process, and the cost of gap detection when nothing is missing. Run with `pnpm bench`
// (builds first). Bounded: fixed rounds, and it stops early past BUDGET_MS.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

const EVENTS = 50_000;
const ROUNDS = 5;
const BUDGET_MS = 90_000;
const RUN_ID = 'run_5f0c2a7e9b1d4c6f8a0e3b5d7c9f1a2b';

/** One run of EVENTS events as the real server writes them: data-only SSE, Python's spaced JSON. */
function runBody(): string {
  const spaced = (value: unknown): string =>
    JSON.stringify(value).replace(/","/g, '", "').replace(/":/g, '": ');
  const base = { run_id: RUN_ID, session_id: 'sess_81ad3f5b7c9e1d2a4b6c8e0f2a4c6e8b' };
  const lines: string[] = [];
  for (let seq = 0; seq < EVENTS; seq++) {
    const last = seq === EVENTS - 1;
    const event =
      seq === 0
        ? {
            ...base,
            stream: 'lifecycle',
            event: 'start',
            payload: { task: 'bench' },
            timestamp: '2026-02-12T10:00:00.120311+00:00',
            seq,
            status: 'running',
            metadata: { org_id: 'default' },
          }
        : last
          ? {
              ...base,
              stream: 'lifecycle',
              event: 'end',
              payload: { status: 'completed' },
              timestamp: '2026-02-12T10:00:00.120311+00:00',
              seq,
              status: 'completed',
              metadata: { org_id: 'default' },
            }
          : {
              ...base,
              stream: 'assistant',
              event: 'message',
              payload: {
                id: `m-${seq}`,
                role: 'agent',
                content: `Step ${seq}: the agent thinks about the open incidents.`,
                metadata: { type: 'execution_step' },
              },
              timestamp: '2026-02-12T10:00:00.120311+00:00',
              seq,
              metadata: { org_id: 'default' },
            };
    lines.push(`data: ${spaced(event)}\n\n`);
  }
  return lines.join('');
}

const body = Buffer.from(runBody());
const server = createServer((req, res) => {
  if (!req.url?.endsWith('/events')) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  // Written in 16 KiB chunks, as a socket would deliver a long stream.
  let offset = 0;
  const pump = (): void => {
    while (offset < body.length) {
      const chunk = body.subarray(offset, offset + 16 * 1024);
      offset += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const eventsUrl = `${baseUrl}/v1/run/${RUN_ID}/events`;

/** Raw: fetch, a reader loop, TextDecoder, eventsource-parser and JSON.parse. */
async function viaRaw(): Promise<number> {
  const response = await fetch(eventsUrl, {
    headers: { accept: 'text/event-stream', 'x-api-key': 'k' },
  });
  const reader = response.body!.getReader();
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
  return count;
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
  return count;
}

/** The client: RunClient.events() with seq tracking, gap detection and terminal detection. */
const client = new RunClient({ baseUrl, apiKey: 'k', env: {}, statusProbeMs: false });
async function viaClient(): Promise<number> {
  let count = 0;
  for await (const _event of client.events(RUN_ID)) count++;
  return count;
}

const parsed = body
  .toString()
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
    if (count !== EVENTS) throw new Error(`expected ${EVENTS}, got ${count}`);
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

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function rate(run: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const count = await run();
  const ms = performance.now() - started;
  if (count !== EVENTS) throw new Error(`expected ${EVENTS} events, got ${count}`);
  return (count / ms) * 1000;
}

const started = performance.now();
try {
  // Warm up each path (JIT, connection pool).
  await rate(viaRaw);
  await rate(viaValidatedSse);
  await rate(viaClient);
  const raw: number[] = [];
  const sse: number[] = [];
  const sdk: number[] = [];
  for (let i = 0; i < ROUNDS && performance.now() - started < BUDGET_MS; i++) {
    raw.push(await rate(viaRaw));
    sse.push(await rate(viaValidatedSse));
    sdk.push(await rate(viaClient));
  }
  const [r, s, c] = [median(raw), median(sse), median(sdk)];
  const mib = body.length / 1024 / 1024;
  console.log(
    `run events: ${EVENTS} per stream (${mib.toFixed(1)} MiB of SSE), ${raw.length} rounds, medians`,
  );
  console.log(`raw fetch + eventsource-parser + JSON.parse: ${r.toFixed(0)} events/s`);
  console.log(
    `@uplink/http streamSSE + full valibot schema: ${s.toFixed(0)} events/s (${(s / r).toFixed(2)} x raw)`,
  );
  console.log(
    `RunClient.events():                           ${c.toFixed(0)} events/s (${(c / r).toFixed(2)} x raw)`,
  );
  const { plain, driven } = await driverNsPerEvent();
  const perEventNs = 1e9 / c;
  console.log(
    `gap detection with nothing missing: driveRun adds ${(driven - plain).toFixed(0)} ns/event over a plain RunStream (${plain.toFixed(0)} -> ${driven.toFixed(0)} ns/event in memory), ${(((driven - plain) / perEventNs) * 100).toFixed(1)}% of RunClient.events()' ${perEventNs.toFixed(0)} ns/event; SeqTracker.accept alone: ${trackerNsPerEvent().toFixed(0)} ns/event`,
  );
} finally {
  await client.close();
  await http.close();
  await new Promise((resolve) => server.close(resolve));
}
