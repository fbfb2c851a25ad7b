// `pnpm --filter demo-satellite start`: the satellite alone, as a long-running process. Settings come
// from the environment (LUML_SATELLITE_TOKEN or SATELLITE_TOKEN, LUML_PLATFORM_URL or PLATFORM_URL,
// LUML_BASE_URL or BASE_URL, ...; see docs/getting-started.md), plus LLAMA_ORCH_URL for the model
// processes and SATELLITE_PUBLIC_PORT for the public API (default 8000, the reference agent's port; the
// worker's health server then defaults to 8001 so the two never collide). SIGINT/SIGTERM drain in-flight tasks; a second signal forces the stop.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loggerFromEnv } from '@uplink/http/node';
import { startSatellite } from './satellite.js';

const env = process.env;
const dataDir = env.LUML_STATE_DIR ?? join(process.cwd(), '.uplink-state');
await mkdir(dataDir, { recursive: true });
try {
  const satellite = await startSatellite({
    env,
    settings: env.LUML_HEALTH_PORT ? {} : { healthPort: 8001 },
    llamaOrchUrl: env.LLAMA_ORCH_URL ?? 'http://127.0.0.1:8080',
    dataDir,
    publicHost: env.SATELLITE_PUBLIC_HOST ?? '127.0.0.1',
    publicPort: Number(env.SATELLITE_PUBLIC_PORT ?? 8000),
    // Standalone runs log JSON lines at info unless UPLINK_LOG says otherwise.
    logger: loggerFromEnv({ UPLINK_LOG: 'info', ...env }),
    handleSignals: true,
  });
  process.stdout.write(`satellite running; public API at ${satellite.publicApi.url}\n`);
  await satellite.worker.wait();
  await satellite.stop();
} catch (error) {
  process.stderr.write(
    `satellite failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
