// A minimal LUML satellite: one `deploy` handler that marks the deployment active.
// Run (settings from the environment, e.g. LUML_SATELLITE_TOKEN and LUML_BASE_URL):
//   TSX_TSCONFIG_PATH=docs/examples/tsconfig.json node --import tsx docs/examples/minimal-worker.ts
import { pathToFileURL } from 'node:url';
import { DeploymentTaskPayloadSchema } from '@uplink/core-schemas/luml';
import { defineHandler, runWorker, Worker, type WorkerOptions } from '@uplink/worker-runtime';

const deploy = defineHandler('deploy', {
  payload: DeploymentTaskPayloadSchema, // a bad payload fails the task before `run`
  // The pairing capability map is built from the handlers; pairing needs at least one entry.
  capability: {
    deploy: {
      version: 1,
      supported_variants: ['pyfunc'],
      supported_tags_combinations: null,
      extra_fields_form_spec: [],
    },
  },
  run: async ({ payload: { deployment_id }, client, signal }) => {
    const inference_url = `/deployments/${deployment_id}`;
    await client.updateDeployment(deployment_id, { status: 'active', inference_url }, { signal });
    return { inference_url }; // the task's `done` result; a throw reports `failed`
  },
});

/** Start the worker in your own code (tests, embedding); stop it with `worker.stop()`. */
export async function main(options: WorkerOptions = {}): Promise<Worker> {
  const worker = new Worker({ handlers: [deploy], ...options });
  await worker.start(); // pairs, then polls
  return worker;
}

// As a program: logs to stderr, a startup problem is one `error: …` line and an exit code,
// SIGINT/SIGTERM drain (a second one forces).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runWorker({ handlers: [deploy] });
}
