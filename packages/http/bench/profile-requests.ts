// `node --cpu-prof --import tsx bench/profile-requests.ts [uplink|kyOff] [n]`: a CPU profile of
// sequential small GETs alone (server in its own process), for finding per-request work.
import { startBenchServer } from '@uplink/bench';
import { requestPeers, SmallSchema } from '@uplink/bench/peers';
import { createHttpClient } from '../src/index.js';

const [which = 'uplink', nText = '20000'] = process.argv.slice(2);
const n = Number(nText);
const server = await startBenchServer();
try {
  const client = createHttpClient({ baseUrl: server.url });
  const call =
    which === 'uplink'
      ? () => client.get('/json', SmallSchema)
      : (requestPeers(server.url)[which] as () => Promise<unknown>);
  for (let i = 0; i < 2000; i++) await call();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  const cpu = process.cpuUsage(cpu0);
  console.log(`${which}: ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU per request`);
} finally {
  server.stop();
}
