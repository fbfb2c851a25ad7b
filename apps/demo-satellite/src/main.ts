// `pnpm --filter demo-satellite start`: the satellite alone, as a long-running process. Settings come
// from the environment (LUML_SATELLITE_TOKEN or SATELLITE_TOKEN, LUML_BASE_URL or PLATFORM_URL,
// LUML_PUBLIC_URL or BASE_URL, ...; see the app README), plus LLAMA_ORCH_BASE_URL (or
// LLAMA_ORCH_URL) for the model processes,
// SATELLITE_PUBLIC_HOST/SATELLITE_PUBLIC_PORT for the public API (default 127.0.0.1:8000, the
// reference agent's port; the worker's health server then defaults to 8001 so the two never collide)
// and SATELLITE_AGENT_SECRET to let AI Spine call deployments (off when unset).
// SIGINT/SIGTERM drain in-flight tasks (a second signal forces the stop); on every exit path the
// model processes are stopped before the process exits.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { firstEnv } from '@uplink/http';
import { loggerFromEnv } from '@uplink/http/node';
import { describeWorkerError, WORKER_LOG_DEFAULTS, workerExitCode } from '@uplink/worker-runtime';
import { type RunningSatellite, runUntilStopped, startSatellite } from './satellite.js';

const env = process.env;

let satellite: RunningSatellite;
// Standalone runs log as a worker does: text lines at info on stderr unless UPLINK_LOG says
// otherwise (UPLINK_LOG=json for JSON lines, silent for none).
const logger = loggerFromEnv(env, process.stderr, WORKER_LOG_DEFAULTS);
try {
  const dataDir = env.LUML_STATE_DIR ?? join(process.cwd(), '.uplink-state');
  await mkdir(dataDir, { recursive: true });
  satellite = await startSatellite({
    env,
    settings: env.LUML_HEALTH_PORT ? {} : { healthPort: 8001 },
    llamaOrchUrl:
      firstEnv(env, ['LLAMA_ORCH_BASE_URL', 'LLAMA_ORCH_URL'])?.value ?? 'http://127.0.0.1:8080',
    dataDir,
    publicHost: env.SATELLITE_PUBLIC_HOST ?? '127.0.0.1',
    publicPort: Number(env.SATELLITE_PUBLIC_PORT ?? 8000),
    agentSecret: env.SATELLITE_AGENT_SECRET || undefined,
    logger,
  });
} catch (error) {
  // startSatellite has already stopped whatever it started. One line, and the worker's exit codes
  // (78 configuration, 77 token refused, 69 platform unreachable, 70 anything else).
  process.stderr.write(`error: ${describeWorkerError(error)}\n`);
  process.exit(workerExitCode(error));
}
process.stdout.write(`satellite running; public API at ${satellite.publicApi.url}\n`);
// A fatal error while running (a revoked token) is logged by the worker itself, once.
const { code, error } = await runUntilStopped(satellite, { logger });
// Everything is stopped: exit now rather than wait for idle keep-alive sockets to time out.
process.exit(error === undefined ? code : workerExitCode(error));
