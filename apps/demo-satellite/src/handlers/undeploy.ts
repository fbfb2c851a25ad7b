// The undeploy task, as the reference agent runs it (docs/protocols/luml.md §11).
import { defineHandler, TaskExecutionError } from '@uplink/worker-runtime';
import * as v from 'valibot';
import type { ModelProcesses } from '../model-processes.js';

const UndeployPayloadSchema = v.looseObject({ deployment_id: v.pipe(v.string(), v.uuid()) });

/** The `undeploy` handler. */
export function createUndeployHandler(deps: { models: ModelProcesses }) {
  return defineHandler('undeploy', {
    payload: UndeployPayloadSchema,
    // Stopping a stopped process and deleting a deleted deployment converge, so a re-run is safe.
    idempotent: true,
    run: async (ctx) => {
      const id = ctx.payload.deployment_id;
      let removed: boolean;
      try {
        removed = await deps.models.stop(id);
      } catch (error) {
        throw new TaskExecutionError('Failed to remove container.', { error: String(error) });
      }
      try {
        await ctx.client.deleteDeployment(id, { signal: ctx.signal });
      } catch (error) {
        throw new TaskExecutionError('Failed to delete deployment.', {
          error: (error as Error).message,
        });
      }
      return { container_removed: removed };
    },
    onFailure: async (ctx, error) => {
      const reason = error instanceof TaskExecutionError ? error.reason : 'handler error';
      await ctx.client.updateDeployment(ctx.payload.deployment_id, {
        status: 'deletion_failed',
        error_message: { reason, error: error instanceof Error ? error.message : String(error) },
      });
    },
  });
}
