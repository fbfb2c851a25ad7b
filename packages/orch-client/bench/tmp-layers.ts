import { SSE_EVENT_SCHEMAS } from '@uplink/core-schemas/llama-orch';
import { createHttpClient } from '@uplink/http';
import { OrchClient } from '@uplink/orch-client';
import { startFakeLlamaOrch } from '@uplink/testing';

const orch = await startFakeLlamaOrch({ queueCapacity: 1_000_000, releaseOnStreamEnd: true });
const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });
const http = createHttpClient({
  baseUrl: orch.url,
  headers: { 'x-api-key': 'valid' },
  retry: false,
});
const N = 20000;
const req = {
  model_ref: 'm',
  engine: 'llamacpp' as const,
  ctx: 1,
  seed: 42,
  max_tokens: N,
  workload: 'completion' as const,
  priority: 'interactive' as const,
  deadline_ms: 30000,
};
const layers: Record<string, () => Promise<number>> = {
  http: async () => {
    const e = await client.enqueueTask(req);
    let n = 0;
    for await (const m of http.streamSSE(`/v1/tasks/${e.taskId}/stream`, {
      events: SSE_EVENT_SCHEMAS,
      terminal: ['end', 'error'],
      unknownEvents: 'drop',
    }))
      if (m.event === 'token') n++;
    return n;
  },
  streamTask: async () => {
    const e = await client.enqueueTask(req);
    let n = 0;
    for await (const ev of client.streamTask(e.taskId)) if (ev.type === 'token') n++;
    return n;
  },
  completion: async () => {
    let n = 0;
    for await (const c of client.streamCompletion(req)) if (c.type === 'token') n++;
    return n;
  },
};
const rates: Record<string, number[]> = { http: [], streamTask: [], completion: [] };
for (let round = 0; round < 8; round++) {
  for (const [name, f] of Object.entries(layers)) {
    const t0 = performance.now();
    const n = await f();
    rates[name]!.push((n / (performance.now() - t0)) * 1000);
  }
}
for (const [name, r] of Object.entries(rates)) {
  r.sort((a, b) => a - b);
  console.log(name.padEnd(12), Math.round(r[4]!));
}
await client.close();
await orch.close();
