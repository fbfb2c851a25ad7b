// Assembles the demo satellite from the Uplink packages: the platform client, the worker runtime with the
// deploy/undeploy handlers and startup reconciliation, the model processes and the public API.
import { join } from 'node:path';
import { type Logger, silentLogger } from '@uplink/http';
import { PlatformClient } from '@uplink/platform-client';
import {
  installSignalHandlers,
  reconcileDeployments,
  type StopResult,
  Worker,
  type WorkerSettings,
} from '@uplink/worker-runtime';
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
  /**
   * Secret (at least 32 characters) for the per-deployment AI Spine agent keys; see the README.
   * @default undefined (AI Spine cannot call deployments)
   */
  agentSecret?: string | undefined;
  /** Logger for the worker, client and public API. @default silentLogger */
  logger?: Logger;
  /** Download progress of artifacts. */
  onDownloadProgress?: DeployDependencies['onDownloadProgress'];
}

/** A running satellite. */
export interface RunningSatellite extends AsyncDisposable {
  worker: Worker;
  platform: PlatformClient;
  models: ModelProcesses;
  publicApi: PublicApi;
  /** The worker's settings (the shutdown grace among them). */
  readonly settings: WorkerSettings;
  /**
   * Drain the worker (up to `graceMs`), then stop every model process and the public API.
   * Idempotent: later calls return the first call's promise.
   */
  stop(options?: { graceMs?: number | undefined }): Promise<StopResult>;
  /** Abort in-flight tasks now, then stop as {@link stop} does. */
  forceStop(): Promise<StopResult>;
}

/** Start the satellite: public API first (its URL is the `base_url` sent at pairing), then the worker. */
export async function startSatellite(options: SatelliteOptions): Promise<RunningSatellite> {
  const env = options.env ?? process.env;
  const logger = options.logger;
  const models = new ModelProcesses();
  const platform = new PlatformClient({
    env,
    ...(options.settings?.token ? { token: options.settings.token } : {}),
    ...(options.settings?.platformUrl ? { baseUrl: options.settings.platformUrl } : {}),
    ...(logger ? { logger } : {}),
  });
  let publicApi: PublicApi;
  try {
    publicApi = await startPublicApi({
      platform,
      models,
      logger: logger ?? silentLogger,
      host: options.publicHost ?? '127.0.0.1',
      port: options.publicPort ?? 0,
      agentSecret: options.agentSecret,
    });
  } catch (error) {
    await platform.close();
    throw error;
  }
  const worker = new Worker({
    env,
    settings: {
      ...options.settings,
      publicUrl: options.settings?.publicUrl ?? options.settings?.baseUrl ?? publicApi.url,
    },
    client: platform,
    // The satellite, not the worker, owns the signals: stopping the worker alone would leave the
    // model processes running (see runUntilStopped).
    handleSignals: false,
    // Quiet unless the caller passes a logger: the demo tells its own story on stdout.
    logger: logger ?? silentLogger,
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
  let stopping: Promise<StopResult> | undefined;
  const stop = (stopOptions: { graceMs?: number | undefined } = {}): Promise<StopResult> => {
    stopping ??= (async () => {
      try {
        return await worker.stop({ graceMs: stopOptions.graceMs });
      } finally {
        // Whatever the worker did, no model process and no listener outlives the satellite.
        await Promise.allSettled([models.close(), publicApi.close(), platform.close()]);
      }
    })();
    return stopping;
  };
  const forceStop = (): Promise<StopResult> => {
    void worker.forceStop();
    return stop({ graceMs: 0 });
  };
  return {
    worker,
    platform,
    models,
    publicApi,
    settings: worker.settings,
    stop,
    forceStop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}

/** How a standalone satellite ended. */
export interface SatelliteExit {
  /** The process exit code to use. */
  code: number;
  /** The fatal error that stopped the worker (a revoked token, ...), when one did. */
  error?: unknown;
}

/**
 * Run a started satellite the way a standalone process must, until it stops: the first SIGINT
 * or SIGTERM drains (a second forces), and a fatal worker error (a revoked token) stops it too.
 * On every path the worker, the model processes and the public API are stopped before this
 * resolves, so nothing the satellite started outlives it. Resolves with the exit code: 0 after
 * a clean drain, 128 + the signal number when the drain was forced or ran out of time, 1 after
 * a fatal error.
 */
export async function runUntilStopped(
  satellite: RunningSatellite,
  options: { logger?: Logger | undefined } = {},
): Promise<SatelliteExit> {
  let signalled = false;
  let signalCode!: (code: number) => void;
  const fromSignal = new Promise<number>((resolve) => {
    signalCode = resolve;
  });
  const uninstall = installSignalHandlers(
    {
      settings: satellite.settings,
      get inFlight() {
        return satellite.worker.inFlight;
      },
      stop: (stopOptions) => {
        signalled = true;
        return satellite.stop(stopOptions);
      },
      forceStop: () => {
        signalled = true;
        return satellite.forceStop();
      },
    },
    { logger: options.logger, exit: signalCode },
  );
  try {
    await satellite.worker.wait();
    const result = await satellite.stop();
    return { code: signalled ? await fromSignal : result.clean ? 0 : 1 };
  } catch (error) {
    await satellite.stop();
    return { code: 1, error };
  } finally {
    uninstall();
  }
}
