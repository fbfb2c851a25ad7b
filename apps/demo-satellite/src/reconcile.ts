// Startup reconciliation (luml-satellite-protocol §12): an `active` deployment whose model process is
// gone becomes `not_responding`, so the platform never shows a dead deployment as serving.
import type { StartupContext } from '@uplink/worker-runtime';
import type { ModelProcesses } from './model-processes.js';

/** Mark active deployments without a running process `not_responding`; returns their ids. */
export async function reconcileDeployments(
  { client: platform, logger, signal }: Pick<StartupContext, 'client' | 'logger' | 'signal'>,
  models: ModelProcesses,
): Promise<string[]> {
  const marked: string[] = [];
  for (const deployment of await platform.listDeployments({ signal })) {
    if (deployment.status !== 'active' || models.get(deployment.id)) continue;
    await platform.updateDeployment(
      deployment.id,
      {
        status: 'not_responding',
        error_message: {
          reason: 'Not Found',
          error: `Model process for deployment '${deployment.id}' not found`,
        },
      },
      { signal },
    );
    logger.warn('deployment has no model process; marked not_responding', {
      deploymentId: deployment.id,
    });
    marked.push(deployment.id);
  }
  return marked;
}
