// docs/protocols/luml.md §3-§4 (worker endpoints under /satellites/v1)
import {
  DEPLOYMENT_STATUSES,
  type Deployment,
  type DeploymentStatus,
  TASK_STATUSES,
  type TaskStatus,
} from '@uplink/core-schemas/luml';
import { sendDetail, sendEmpty, sendInternalError, sendJson } from './http-io.js';
import {
  checkPathUuid,
  checkValue,
  type FieldSpec,
  type ValidationIssue,
} from './request-validation.js';
import {
  authenticateSatellite,
  type FakeContext,
  guarded,
  readFields,
  rejectInvalid,
} from './route-support.js';
import type { Route, RouteContext } from './router.js';
import { PlatformError, type SatelliteRecord } from './state-types.js';

// The platform's closed enums, as core-schemas defines them.
const TASK_STATUS_VALUES = TASK_STATUSES;
const DEPLOYMENT_STATUS_VALUES = DEPLOYMENT_STATUSES;

const TAGS: FieldSpec = {
  kind: 'list',
  items: { kind: 'string', maxLength: 64 },
  maxItems: 50,
  nullable: true,
};

type SatelliteHandler = (
  ctx: RouteContext,
  satellite: SatelliteRecord,
  issues: ValidationIssue[],
) => void | Promise<void>;

/** The `/satellites/v1/*` routes with the real server's semantics, quirks included. */
export function satelliteRoutes(fake: FakeContext): Route[] {
  const { state } = fake;
  const route = (method: string, path: string, handler: SatelliteHandler): Route => ({
    method,
    pattern: `/satellites/v1${path}`,
    handler: (ctx) =>
      guarded(ctx, async () => {
        // Auth runs before validation (a FastAPI dependency), so a 422 is still a heartbeat.
        const satellite = authenticateSatellite(ctx, fake);
        if (satellite) await handler(ctx, satellite, []);
      }),
  });

  const ownDeployment = (satellite: SatelliteRecord, id: string): Deployment => {
    const deployment = state.deployments.get(id);
    if (!deployment || deployment.satellite_id !== satellite.id)
      throw new PlatformError(404, 'Deployment not found');
    return deployment;
  };

  const ownArtifact = (satellite: SatelliteRecord, id: string) => {
    const stored = state.artifacts.get(id);
    if (!stored || stored.orbitId !== satellite.orbit_id)
      throw new PlatformError(404, 'Artifact not found');
    return stored;
  };

  /** A presigned URL, or the platform's 400 when the bucket cannot mint one (§4.10). */
  const presign = (stored: Parameters<typeof fake.presigner.presign>[1]): string => {
    if (fake.storageFailure !== undefined)
      throw new PlatformError(400, `Failed to generate download URL: ${fake.storageFailure}`);
    return fake.presigner.presign(fake.origin(), stored);
  };

  const artifactRoutes = (prefix: string, deprecated: boolean): Route[] => [
    route('GET', `${prefix}/{artifact_id}/download-url`, (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.artifact_id ?? '', 'artifact_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      const stored = ownArtifact(satellite, id);
      sendJson(ctx.res, 200, { url: presign(stored) });
    }),
    route('GET', `${prefix}/{artifact_id}`, (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.artifact_id ?? '', 'artifact_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      const stored = ownArtifact(satellite, id);
      const url = presign(stored);
      // Quirk §18.3: only the deprecated route carries `model`; the new one has `artifact` only.
      sendJson(
        ctx.res,
        200,
        deprecated
          ? { model: stored.artifact, artifact: stored.artifact, url }
          : { artifact: stored.artifact, url },
      );
    }),
  ];

  return [
    route('POST', '/pair', async (ctx, satellite, issues) => {
      const fields = await readFields(ctx, issues, {
        base_url: { kind: 'url', required: true },
        capabilities: {
          kind: 'dict',
          keys: ['deploy', 'monitoring'],
          values: { kind: 'dict', nullable: true },
          required: true,
        },
        slug: { kind: 'string', nullable: true },
      });
      if (rejectInvalid(ctx, issues) || fields === undefined) return;
      const capabilities = fields.capabilities as Record<string, Record<string, unknown> | null>;
      if (Object.keys(capabilities).length === 0)
        throw new PlatformError(400, 'Invalid capabilities');
      const now = state.timestamp();
      satellite.paired = true;
      satellite.base_url = fields.base_url as string;
      satellite.capabilities = capabilities;
      satellite.slug = (fields.slug as string | null | undefined) ?? null;
      satellite.updated_at = now;
      satellite.last_seen_at = now;
      sendJson(ctx.res, 200, state.satelliteView(satellite));
    }),

    route('GET', '/tasks', (ctx, satellite, issues) => {
      // A repeated scalar query parameter: Starlette keeps the last value.
      const raw = ctx.url.searchParams.getAll('status').at(-1) ?? null;
      const status =
        raw === null
          ? undefined
          : (checkValue(
              raw,
              { kind: 'enum', values: TASK_STATUS_VALUES },
              ['query', 'status'],
              issues,
            ) as TaskStatus | undefined);
      if (rejectInvalid(ctx, issues)) return;
      const tasks = state.sortedTasks(
        (t) => t.satellite_id === satellite.id && (status === undefined || t.status === status),
      );
      sendJson(ctx.res, 200, tasks);
    }),

    route('POST', '/tasks/{task_id}/status', async (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.task_id ?? '', 'task_id', issues);
      const fields = await readFields(ctx, issues, {
        status: { kind: 'enum', values: TASK_STATUS_VALUES, required: true },
        result: { kind: 'dict', nullable: true },
      });
      if (rejectInvalid(ctx, issues) || id === undefined || fields === undefined) return;
      const task = state.tasks.get(id);
      if (!task || task.satellite_id !== satellite.id)
        throw new PlatformError(404, 'Task not found');
      sendJson(
        ctx.res,
        200,
        state.updateTaskStatus(task, fields.status as TaskStatus, fields.result),
      );
    }),

    route('GET', '/deployments', (ctx, satellite) => {
      sendJson(
        ctx.res,
        200,
        [...state.deployments.values()].filter((d) => d.satellite_id === satellite.id),
      );
    }),

    route('POST', '/deployments/inference-access', async (ctx, _satellite, issues) => {
      const fields = await readFields(ctx, issues, {
        api_key: { kind: 'string', maxLength: 255, required: true },
      });
      if (rejectInvalid(ctx, issues) || fields === undefined) return;
      // Any failure (unknown key, no permission) is `authorized: false`, never an error (§4.9).
      const authorized = state.userKeys.get(fields.api_key as string)?.authorized === true;
      sendJson(ctx.res, 200, { authorized });
    }),

    route('GET', '/deployments/{deployment_id}', (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.deployment_id ?? '', 'deployment_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      sendJson(ctx.res, 200, ownDeployment(satellite, id));
    }),

    route('PATCH', '/deployments/{deployment_id}', async (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.deployment_id ?? '', 'deployment_id', issues);
      const fields = await readFields(ctx, issues, {
        inference_url: { kind: 'string', maxLength: 2048, nullable: true },
        status: { kind: 'enum', values: DEPLOYMENT_STATUS_VALUES, nullable: true },
        tags: TAGS,
        schemas: { kind: 'dict', nullable: true },
        error_message: { kind: 'dict', nullable: true },
      });
      if (rejectInvalid(ctx, issues) || id === undefined || fields === undefined) return;
      const deployment = ownDeployment(satellite, id);
      const status = (fields.status ?? null) as DeploymentStatus | null;
      const keep = !fake.quirks.patchNullsOmittedFields;
      // Quirk §18.2: NULL into the NOT NULL status column is an uncaught database error.
      if (status === null && fake.quirks.patchWithoutStatusFails) return sendInternalError(ctx.res);
      const next = <K extends keyof Deployment>(key: K): Deployment[K] =>
        (key in fields ? fields[key as string] : keep ? deployment[key] : null) as Deployment[K];
      const inferenceUrl = next('inference_url');
      // `inference_url` is UNIQUE platform-wide (§18.4): a clash is another uncaught 500.
      if (
        inferenceUrl !== null &&
        [...state.deployments.values()].some((d) => d.id !== id && d.inference_url === inferenceUrl)
      )
        return sendInternalError(ctx.res);
      // Quirk §18.1: every field is written; an omitted one becomes null.
      deployment.inference_url = inferenceUrl;
      deployment.status = status ?? deployment.status;
      deployment.tags = next('tags');
      deployment.schemas = next('schemas');
      deployment.error_message = next('error_message');
      deployment.updated_at = state.timestamp();
      sendJson(ctx.res, 200, deployment);
    }),

    route('PATCH', '/deployments/{deployment_id}/status', async (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.deployment_id ?? '', 'deployment_id', issues);
      const fields = await readFields(ctx, issues, {
        status: { kind: 'enum', values: DEPLOYMENT_STATUS_VALUES, required: true },
      });
      if (rejectInvalid(ctx, issues) || id === undefined || fields === undefined) return;
      const deployment = ownDeployment(satellite, id);
      deployment.status = fields.status as DeploymentStatus;
      deployment.updated_at = state.timestamp();
      sendJson(ctx.res, 200, deployment);
    }),

    route('DELETE', '/deployments/{deployment_id}', (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.deployment_id ?? '', 'deployment_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      const deployment = ownDeployment(satellite, id);
      if (deployment.status !== 'deletion_pending')
        return sendDetail(
          ctx.res,
          409,
          'Incorrect deployment status. Request deployment deletion first.',
        );
      state.deployments.delete(id);
      sendEmpty(ctx.res, 204);
    }),

    ...artifactRoutes('/artifacts', false),
    ...artifactRoutes('/model_artifacts', true),

    route('GET', '/secrets', (ctx, satellite) => {
      sendJson(
        ctx.res,
        200,
        [...state.secrets.values()].filter((s) => s.orbit_id === satellite.orbit_id),
      );
    }),

    route('GET', '/secrets/{secret_id}', (ctx, satellite, issues) => {
      const id = checkPathUuid(ctx.params.secret_id ?? '', 'secret_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      const secret = state.secrets.get(id);
      if (!secret || secret.orbit_id !== satellite.orbit_id)
        throw new PlatformError(404, 'Orbit secret not found');
      sendJson(ctx.res, 200, secret);
    }),
  ];
}
