// docs/protocols/luml.md §12 (startup reconciliation) and §20 (reconcile on start)
import type { Deployment } from '@uplink/core-schemas/luml';
import type { StartupHook } from './worker-options.js';

/** What a deployment check returns: healthy, or why not. */
export type DeploymentCheck =
  | { healthy: true }
  | { healthy: false; reason: string; error?: string };

/** Options for {@link reconcileDeployments}. */
export interface ReconcileDeploymentsOptions {
  /**
   * Decide whether an `active` deployment is really serving (container present, running,
   * `/healthz` answering). A throw counts as unhealthy with reason `Health check failed`.
   */
  check: (
    deployment: Deployment,
    signal: AbortSignal,
  ) => DeploymentCheck | Promise<DeploymentCheck>;
  /** Called for healthy deployments, e.g. to register them locally. */
  onHealthy?: ((deployment: Deployment) => void | Promise<void>) | undefined;
}

/**
 * A startup hook that lists this satellite's deployments and marks every `active` one whose
 * check fails as `not_responding` with an `error_message`, as the reference agent does at start.
 * Other fields are preserved (the client's PATCH merges by default).
 *
 * @example
 * new Worker({ handlers, startupHooks: [reconcileDeployments({ check: probeContainer })] });
 */
export function reconcileDeployments(options: ReconcileDeploymentsOptions): StartupHook {
  return async ({ client, logger, signal }) => {
    const deployments = await client.listDeployments({ signal });
    for (const deployment of deployments) {
      if (deployment.status !== 'active') continue;
      let result: DeploymentCheck;
      try {
        result = await options.check(deployment, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        result = {
          healthy: false,
          reason: 'Health check failed',
          error: `Health check failed for deployment '${deployment.id}': ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      if (result.healthy) {
        await options.onHealthy?.(deployment);
        continue;
      }
      logger.warn('deployment not responding; marking it', {
        deploymentId: deployment.id,
        reason: result.reason,
      });
      await client.updateDeployment(
        deployment.id,
        {
          status: 'not_responding',
          error_message: {
            reason: result.reason,
            ...(result.error ? { error: result.error } : {}),
          },
        },
        { signal },
      );
    }
  };
}
