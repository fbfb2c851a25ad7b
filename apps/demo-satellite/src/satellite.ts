// Assembles the demo satellite from the Uplink packages: the platform client, the worker runtime with the
// deploy/undeploy handlers and startup reconciliation, the model processes and the public API.
import { join } from 'node:path';
import { type Logger, silentLogger } from '@uplink/http';
import { PlatformClient } from '@uplink/platform-client';
import { reconcileDeployments, Worker, type WorkerSettings } from '@uplink/worker-runtime';
import { createDeployHandler, type DeployDependencies } from './handlers/deploy.js';
import { createUndeployHandler } from './handlers/undeploy.js';
import { ModelProcesses } from './model-processes.js';
import { type PublicApi, startPublicApi } from './public-api.js';

/** Options for {@link startSatellite}. */
export interface SatelliteOptions {
  /** Worker settings; unset ones come from the environment (`LUML_*` names or their aliases). */
  settings?: Partial<WorkerSettings>;
  /** Environment to read settings from. @default process.env */
  env?: Record<string, string | undefined>;
  /** llama-orch base URL handed to every model process. */
  llamaOrchUrl: string;
  /** Folder for downloaded artifacts. */
  dataDir: string;
  /** Public API bind address. @default '127.0.0.1' */
  publicHost?: string;
  /** Public API port. @default 0 (any free port) */
  publicPort?: number;
  /** Logger for the worker, client and public API. */
  logger?: Logger;
  /** Let the worker own SIGINT/SIGTERM (standalone runs). @default false */
  handleSignals?: boolean;
  /** Download progress of artifacts. */
  onDownloadProgress?: DeployDependencies['onDownloadProgress'];
}

/** A running satellite. */
export interface RunningSatellite extends AsyncDisposable {
  worker: Worker;
  platform: PlatformClient;
  models: ModelProcesses;
  publicApi: PublicApi;
  /** Drain the worker, stop model processes and the public API. */
  stop(graceMs?: number): Promise<void>;
}

/** Start the satellite: public API first (its URL is the `base_url` sent at pairing), then the worker. */
export async function startSatellite(options: SatelliteOptions): Promise<RunningSatellite> {
  const env = options.env ?? process.env;
  const logger = options.logger;
  const models = new ModelProcesses();
  const platform = new PlatformClient({
    env,
    ...(options.settings?.token ? { token: options.settings.token } : {}),
    ...(options.settings?.platformUrl ? { platformUrl: options.settings.platformUrl } : {}),
    ...(logger ? { logger } : {}),
  });
  const publicApi = await startPublicApi({
    platform,
    models,
    logger: logger ?? silentLogger,
    host: options.publicHost ?? '127.0.0.1',
    port: options.publicPort ?? 0,
  });
  const worker = new Worker({
    env,
    settings: { ...options.settings, baseUrl: options.settings?.baseUrl ?? publicApi.url },
    client: platform,
    handleSignals: options.handleSignals ?? false,
    ...(logger ? { logger } : {}),
    handlers: [
      createDeployHandler({
        models,
        artifactsDir: join(options.dataDir, 'artifacts'),
        modelEnv: { LLAMA_ORCH_URL: options.llamaOrchUrl },
        ...(options.onDownloadProgress ? { onDownloadProgress: options.onDownloadProgress } : {}),
      }),
      createUndeployHandler({ models }),
    ],
    // Startup reconciliation (docs/protocols/luml.md §12): an `active` deployment whose model
    // process is gone (this satellite restarted) becomes `not_responding`.
    startupHooks: [
      reconcileDeployments({
        check: (deployment) =>
          models.get(deployment.id)
            ? { healthy: true }
            : {
                healthy: false,
                reason: 'Not Found',
                error: `Model process for deployment '${deployment.id}' not found`,
              },
      }),
    ],
  });
  try {
    await worker.start();
  } catch (error) {
    await Promise.allSettled([publicApi.close(), models.close(), platform.close()]);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000) => {
    stopping ??= (async () => {
      await worker.stop({ graceMs });
      await Promise.allSettled([models.close(), publicApi.close(), platform.close()]);
    })();
    return stopping;
  };
  return { worker, platform, models, publicApi, stop, [Symbol.asyncDispose]: () => stop() };
}
