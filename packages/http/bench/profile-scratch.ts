// `node --cpu-prof --import tsx bench/profile-sse.ts [uplink|raw|rawIterator] [events]`: a CPU
// profile of one path over the bench server's SSE bytes, for finding per-event work.
import { startBenchServer } from '@uplink/bench';
import { sseRaw, sseRawIterator, TokenSchema } from '@uplink/bench/peers';
import * as v from 'valibot';
import { createHttpClient } from './scratch/index.js';

const [which = 'uplink', nText = '1000000'] = process.argv.slice(2);
const n = Number(nText);
const server = await startBenchServer();
const End = v.looseObject({});
async function uplink(events: number): Promise<number> {
  const client = createHttpClient({ baseUrl: server.url });
  let count = 0;
  for await (const m of client.streamSSE(`/sse?n=${events}`, {
    events: { token: TokenSchema, end: End },
    terminal: ['end'],
  })) {
    if (m.event === 'token') count++;
  }
  return count;
}
const run =
  which === 'raw'
    ? (k: number) => sseRaw(server.url, k)
    : which === 'rawIterator'
      ? (k: number) => sseRawIterator(server.url, k)
      : uplink;
try {
  await run(100_000);
  const cpu0 = process.cpuUsage();
  await run(n);
  const cpu = process.cpuUsage(cpu0);
  console.log(`${which}: ${((cpu.user + cpu.system) / n).toFixed(3)} µs CPU per event`);
} finally {
  server.stop();
}
