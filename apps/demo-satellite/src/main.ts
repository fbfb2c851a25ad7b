// `pnpm --filter demo-satellite start`: the satellite alone, as a long-running process. Settings come
// from the environment (LUML_SATELLITE_TOKEN or SATELLITE_TOKEN, LUML_PLATFORM_URL or PLATFORM_URL,
// LUML_BASE_URL or BASE_URL, ...; see the app README), plus LLAMA_ORCH_URL for the model processes,
// SATELLITE_PUBLIC_HOST/SATELLITE_PUBLIC_PORT for the public API (default 127.0.0.1:8000, the
// reference agent's port; the worker's health server then defaults to 8001 so the two never collide)
// and SATELLITE_AGENT_SECRET to let AI Spine call deployments (off when unset).
// SIGINT/SIGTERM drain in-flight tasks (a second signal forces the stop); on every exit path the
// model processes are stopped before the process exits.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loggerFromEnv } from '@uplink/http/node';
import { type RunningSatellite, runUntilStopped, startSatellite } from './satellite.js';

const env = process.env;
const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

let satellite: RunningSatellite;
// Standalone runs log JSON lines at info unless UPLINK_LOG says otherwise.
const logger = loggerFromEnv({ UPLINK_LOG: 'info', ...env });
try {
  const dataDir = env.LUML_STATE_DIR ?? join(process.cwd(), '.uplink-state');
  await mkdir(dataDir, { recursive: true });
  satellite = await startSatellite({
    env,
    settings: env.LUML_HEALTH_PORT ? {} : { healthPort: 8001 },
    llamaOrchUrl: env.LLAMA_ORCH_URL ?? 'http://127.0.0.1:8080',
    dataDir,
    publicHost: env.SATELLITE_PUBLIC_HOST ?? '127.0.0.1',
    publicPort: Number(env.SATELLITE_PUBLIC_PORT ?? 8000),
    agentSecret: env.SATELLITE_AGENT_SECRET || undefined,
    logger,
  });
} catch (error) {
  // startSatellite has already stopped whatever it started.
  process.stderr.write(`satellite failed to start: ${describe(error)}\n`);
  process.exit(1);
}
process.stdout.write(`satellite running; public API at ${satellite.publicApi.url}\n`);
const { code, error } = await runUntilStopped(satellite, { logger });
if (error !== undefined) process.stderr.write(`satellite failed: ${describe(error)}\n`);
// Everything is stopped: exit now rather than wait for idle keep-alive sockets to time out.
process.exit(code);
