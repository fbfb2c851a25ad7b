// Entry point of the model process (started by the deploy handler, one per deployment).
// Env: MODEL_ARTIFACT_PATH, DEPLOYMENT_ID, LLAMA_ORCH_URL, LLAMA_ORCH_API_KEY (a secret injected through
// env_variables_secrets), MODEL_SERVER_HOST (default 127.0.0.1), MODEL_SERVER_PORT (default 0 = any free).
// Prints one JSON line `{"event":"listening","port":N}` on stdout once it accepts connections, so the
// satellite learns the port without racing for it. With MODEL_SERVER_WATCH_STDIN=1 (the satellite
// sets it) it exits when its stdin closes: the satellite holds the other end of that pipe, so
// however the satellite ends (SIGKILL included), its model processes end with it.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrchClient } from '@uplink/orch-client';
import * as v from 'valibot';
import { ModelCardSchema } from './model-card.js';
import { createModelServerHandler } from './model-server.js';

const env = process.env;
const problems = ['MODEL_ARTIFACT_PATH', 'DEPLOYMENT_ID', 'LLAMA_ORCH_URL'].filter(
  (name) => !env[name],
);
if (problems.length > 0) {
  process.stderr.write(`model-server: missing environment: ${problems.join(', ')}\n`);
  process.exit(2);
}

const cardResult = v.safeParse(
  ModelCardSchema,
  JSON.parse(await readFile(env.MODEL_ARTIFACT_PATH!, 'utf8')),
);
if (!cardResult.success) {
  process.stderr.write(
    `model-server: the artifact is not an uplink-llm/1 model card: ${cardResult.issues[0].message}\n`,
  );
  process.exit(2);
}

const orch = new OrchClient({
  baseUrl: env.LLAMA_ORCH_URL!,
  ...(env.LLAMA_ORCH_API_KEY ? { apiKey: env.LLAMA_ORCH_API_KEY } : {}),
});
const handler = createModelServerHandler({
  card: cardResult.output,
  deploymentId: env.DEPLOYMENT_ID!,
  orch,
});
const server = createServer((req, res) => void handler(req, res));
server.listen(Number(env.MODEL_SERVER_PORT ?? 0), env.MODEL_SERVER_HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
});

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
if (env.MODEL_SERVER_WATCH_STDIN === '1') {
  // EOF or an error on stdin both mean the satellite is gone.
  process.stdin.once('end', shutdown).once('error', shutdown).resume();
}
