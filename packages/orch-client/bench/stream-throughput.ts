// Benchmark: tokens/s and time to first token through streamCompletion, against raw fetch +
// eventsource-parser, on an unpaced FakeLlamaOrch. Run with `pnpm bench` (builds first).
// Bounded: a fixed number of runs, and it stops early past BUDGET_MS.
import { OrchClient } from '@uplink/orch-client';
import { startFakeLlamaOrch } from '@uplink/testing';
import { EventSourceParserStream } from 'eventsource-parser/stream';

const BUDGET_MS = 45_000;
const THROUGHPUT_TOKENS = 20_000;
const THROUGHPUT_RUNS = 9;
const TTFT_RUNS = 30;

// The generator mode: the real default build answers every task with two tokens.
const orch = await startFakeLlamaOrch({
  streamMode: 'generator',
  queueCapacity: 1_000_000,
  releaseOnStreamEnd: true,
});
const started = performance.now();
const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });

const request = (maxTokens: number) => ({
  model_ref: 'sha256:bench',
  engine: 'llamacpp' as const,
  ctx: 8192,
  seed: 42,
  max_tokens: maxTokens,
});

interface Run {
  tokens: number;
  totalMs: number;
  firstTokenMs: number;
}

async function viaSdk(maxTokens: number): Promise<Run> {
  const t0 = performance.now();
  let first = Number.NaN;
  let tokens = 0;
  for await (const chunk of client.streamCompletion(request(maxTokens))) {
    if (chunk.type !== 'token') continue;
    if (tokens === 0) first = performance.now() - t0;
    tokens += 1;
  }
  return { tokens, totalMs: performance.now() - t0, firstTokenMs: first };
}

async function viaRawFetch(maxTokens: number): Promise<Run> {
  const t0 = performance.now();
  const taskId = crypto.randomUUID();
  const headers = { 'x-api-key': 'valid', 'x-correlation-id': crypto.randomUUID() };
  const admitted = await fetch(`${orch.url}/v1/tasks`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...request(maxTokens),
      task_id: taskId,
      session_id: crypto.randomUUID(),
      workload: 'completion',
      priority: 'interactive',
      deadline_ms: 30_000,
    }),
  });
  if (admitted.status !== 202) throw new Error(`enqueue answered ${admitted.status}`);
  await admitted.arrayBuffer();
  const response = await fetch(`${orch.url}/v1/tasks/${taskId}/stream`, {
    headers: { ...headers, accept: 'text/event-stream' },
  });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  let first = Number.NaN;
  let tokens = 0;
  for await (const event of events) {
    if (event.event === 'token') {
      const data = JSON.parse(event.data) as { t: string; i: number };
      if (typeof data.t !== 'string') throw new Error('bad token');
      if (tokens === 0) first = performance.now() - t0;
      tokens += 1;
    } else if (event.event === 'end' || event.event === 'error') break;
  }
  return { tokens, totalMs: performance.now() - t0, firstTokenMs: first };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const withinBudget = () => performance.now() - started < BUDGET_MS;

try {
  // Warm up both paths (JIT, connection pool).
  await viaSdk(100);
  await viaRawFetch(100);

  const sdkRate: number[] = [];
  const rawRate: number[] = [];
  for (let i = 0; i < THROUGHPUT_RUNS && withinBudget(); i++) {
    const s = await viaSdk(THROUGHPUT_TOKENS);
    const r = await viaRawFetch(THROUGHPUT_TOKENS);
    if (s.tokens !== THROUGHPUT_TOKENS || r.tokens !== THROUGHPUT_TOKENS) {
      throw new Error(`token count mismatch: sdk ${s.tokens}, raw ${r.tokens}`);
    }
    sdkRate.push((s.tokens / s.totalMs) * 1000);
    rawRate.push((r.tokens / r.totalMs) * 1000);
  }

  const sdkFirst: number[] = [];
  const rawFirst: number[] = [];
  for (let i = 0; i < TTFT_RUNS && withinBudget(); i++) {
    sdkFirst.push((await viaSdk(8)).firstTokenMs);
    rawFirst.push((await viaRawFetch(8)).firstTokenMs);
  }

  const sdkTps = median(sdkRate);
  const rawTps = median(rawRate);
  const sdkTtft = median(sdkFirst);
  const rawTtft = median(rawFirst);
  console.log(
    `runs: ${sdkRate.length} x ${THROUGHPUT_TOKENS} tokens, ${sdkFirst.length} first-token runs`,
  );
  console.log(`throughput  streamCompletion: ${sdkTps.toFixed(0)} tokens/s`);
  console.log(`throughput  raw fetch + eventsource-parser: ${rawTps.toFixed(0)} tokens/s`);
  console.log(`throughput ratio (sdk / raw): ${(sdkTps / rawTps).toFixed(2)}`);
  console.log(`first token streamCompletion: ${sdkTtft.toFixed(2)} ms (median, enqueue included)`);
  console.log(`first token raw fetch: ${rawTtft.toFixed(2)} ms (median, enqueue included)`);
  console.log(
    `first token extra: ${(sdkTtft - rawTtft).toFixed(2)} ms (ratio ${(sdkTtft / rawTtft).toFixed(2)})`,
  );
} finally {
  await client.close();
  await orch.close();
}
