// The deploy task, as the reference agent runs it (docs/protocols/luml.md §10), with a child
// process in place of a Docker container.
import { mkdir } from 'node:fs/promises';
import { join, win32 } from 'node:path';
import type { Deployment } from '@uplink/core-schemas/luml';
import {
  defineHandler,
  safeFilePath,
  type TaskContext,
  TaskExecutionError,
} from '@uplink/worker-runtime';
import * as v from 'valibot';
import type { ModelProcesses } from '../model-processes.js';
import { waitUntilHealthy } from './health-check.js';

/** What the deploy handler needs besides the task context. */
export interface DeployDependencies {
  models: ModelProcesses;
  /** Where downloaded artifacts are kept while their deployment lives. */
  artifactsDir: string;
  /** Environment every model process gets (for example `LLAMA_ORCH_URL`). */
  modelEnv: Record<string, string>;
  /** Download progress, for the demo's progress bar. */
  onDownloadProgress?: (progress: {
    deploymentId: string;
    bytes: number;
    totalBytes: number | undefined;
    done: boolean;
  }) => void;
}

const DeployPayloadSchema = v.looseObject({ deployment_id: v.pipe(v.string(), v.uuid()) });

/** The reference agent waits `health_check_timeout` iterations of about a second (default 1800). */
function healthCheckTimeoutMs(deployment: Deployment): number {
  const value = deployment.satellite_parameters.health_check_timeout;
  const seconds = typeof value === 'number' && value > 0 ? value : 1800;
  return seconds * 1000;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolve `env_variables_secrets`; unresolvable secrets are skipped, as the reference agent does. */
async function secretEnv(
  ctx: TaskContext<unknown>,
  deployment: Deployment,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [name, secretId] of Object.entries(deployment.env_variables_secrets)) {
    try {
      env[name] = await ctx.getSecret(secretId);
    } catch (error) {
      ctx.logger.warn('secret not resolved; skipped', {
        env: name,
        secretId,
        error: describe(error),
      });
    }
  }
  return env;
}

/**
 * Where the artifact goes. Any orbit user who uploads an artifact chooses its `file_name`, so
 * only its last path segment is used (either separator), checked as `downloadFile` checks names
 * a server supplies, and the path must stay inside the deployment's folder.
 */
function artifactPath(dir: string, fileName: string): string {
  try {
    return safeFilePath(dir, win32.basename(fileName));
  } catch (error) {
    throw new TaskExecutionError('unsafe artifact file name', { error: describe(error) });
  }
}

/** Expected sha256 of the artifact, when the platform recorded one. */
function expectedSha256(artifact: {
  file_hash: string;
  extra_values: Record<string, unknown>;
}): string | undefined {
  const fromExtra = artifact.extra_values.sha256;
  if (typeof fromExtra === 'string') return fromExtra;
  return /^[0-9a-f]{64}$/i.test(artifact.file_hash) ? artifact.file_hash : undefined;
}

/** The `deploy` handler. */
export function createDeployHandler(deps: DeployDependencies) {
  return defineHandler('deploy', {
    payload: DeployPayloadSchema,
    capability: {
      deploy: {
        version: 1,
        supported_variants: ['uplink-llm'],
        supported_tags_combinations: null,
        extra_fields_form_spec: [
          {
            name: 'health_check_timeout',
            type: 'number',
            values: null,
            required: false,
            validators: [],
            conditions: [],
          },
        ],
      },
    },
    // Re-deploying converges (the process is replaced), so a deploy interrupted by a crash is re-run.
    idempotent: true,
    run: async (ctx) => {
      const id = ctx.payload.deployment_id;
      let deployment: Deployment;
      let artifact: Awaited<ReturnType<typeof ctx.client.getArtifact>>;
      try {
        deployment = await ctx.client.getDeployment(id, { signal: ctx.signal });
        artifact = await ctx.client.getArtifact(deployment.artifact_id, { signal: ctx.signal });
      } catch (error) {
        throw new TaskExecutionError('failed to get model artifact details', {
          error: describe(error),
          cause: error,
        });
      }

      const dir = join(deps.artifactsDir, id);
      const target = artifactPath(dir, artifact.artifact.file_name);
      await mkdir(dir, { recursive: true });
      const sha256 = expectedSha256(artifact.artifact);
      const file = await ctx.downloadFile(artifact.url, target, {
        resume: true,
        ...(sha256 ? { sha256 } : {}),
        onProgress: (p) =>
          deps.onDownloadProgress?.({
            deploymentId: id,
            bytes: p.bytes,
            totalBytes: p.totalBytes,
            done: false,
          }),
      });

      deps.onDownloadProgress?.({
        deploymentId: id,
        bytes: file.bytes,
        totalBytes: file.bytes,
        done: true,
      });
      const env = {
        ...deps.modelEnv,
        MODEL_ARTIFACT_URL: artifact.url,
        MODEL_NAME: deployment.artifact_name,
        ...(await secretEnv(ctx, deployment)),
        ...deployment.env_variables,
        MODEL_ARTIFACT_PATH: file.path,
      };
      let model: Awaited<ReturnType<ModelProcesses['start']>>;
      try {
        model = await deps.models.start(id, { env });
      } catch (error) {
        throw new TaskExecutionError('Failed to create container', { error: describe(error) });
      }
      ctx.logger.info(`model process started (pid ${model.pid}, port ${model.port})`, {
        deploymentId: id,
        pid: model.pid,
        port: model.port,
      });

      const healthy = await waitUntilHealthy(
        `${model.url}/healthz`,
        healthCheckTimeoutMs(deployment),
        ctx.signal,
      );
      if (!healthy) {
        await deps.models.stop(id);
        throw new TaskExecutionError('healthcheck timeout', {
          error: model.logTail().slice(-1000),
        });
      }

      try {
        const openapi = await fetch(`${model.url}/openapi.json`, { signal: ctx.signal });
        const schemas = openapi.ok ? ((await openapi.json()) as Record<string, unknown>) : null;
        const inferenceUrl = `/deployments/${id}`;
        // Merge mode (the default) resends tags and the other fields the PATCH would otherwise null.
        await ctx.client.updateDeployment(
          id,
          { status: 'active', inference_url: inferenceUrl, schemas, error_message: null },
          { signal: ctx.signal },
        );
        return { inference_url: inferenceUrl };
      } catch (error) {
        throw new TaskExecutionError('failed to finalize deployment', { error: describe(error) });
      }
    },
    onFailure: async (ctx, error) => {
      const id = ctx.payload.deployment_id;
      await deps.models.stop(id);
      const reason = error instanceof TaskExecutionError ? error.reason : 'handler error';
      const detail =
        error instanceof TaskExecutionError ? (error.error ?? reason) : describe(error);
      await ctx.client.updateDeployment(id, {
        status: 'failed',
        error_message: { reason, error: detail },
      });
    },
  });
}
