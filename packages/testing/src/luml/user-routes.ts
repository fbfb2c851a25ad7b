// docs/protocols/luml.md §17 (user-facing endpoints for the fake platform)
import { readBody, sendEmpty, sendJson } from './http-io.js';
import { checkPathUuid, type FieldSpec, type ValidationIssue } from './request-validation.js';
import {
  authenticateUser,
  type FakeContext,
  guarded,
  readFields,
  rejectInvalid,
} from './route-support.js';
import type { Route, RouteContext } from './router.js';
import { PlatformError } from './state-types.js';

/** Prefix of every user route. */
export const USER_PREFIX = '/v1/organizations/{organization_id}/orbits/{orbit_id}';

const TAGS: FieldSpec = {
  kind: 'list',
  items: { kind: 'string', maxLength: 64 },
  maxItems: 50,
  nullable: true,
};
const NAME: FieldSpec = { kind: 'string', maxLength: 100, nullable: true };
const DESCRIPTION: FieldSpec = { kind: 'string', maxLength: 1000, nullable: true };

type UserHandler = (
  ctx: RouteContext,
  orbitId: string,
  issues: ValidationIssue[],
) => void | Promise<void>;

/**
 * The user-side routes a demo needs (create satellites, deployments, secrets; upload
 * artifacts; request deletion). Authenticated with a `dfs_` key or JWT known to the fake.
 */
export function userRoutes(fake: FakeContext): Route[] {
  const { state } = fake;
  const route = (method: string, path: string, handler: UserHandler): Route => ({
    method,
    pattern: `${USER_PREFIX}${path}`,
    handler: (ctx) =>
      guarded(ctx, async () => {
        if (!authenticateUser(ctx, fake)) return;
        const issues: ValidationIssue[] = [];
        const org = checkPathUuid(ctx.params.organization_id ?? '', 'organization_id', issues);
        const orbit = checkPathUuid(ctx.params.orbit_id ?? '', 'orbit_id', issues);
        if (org === undefined || orbit === undefined) return void rejectInvalid(ctx, issues);
        if (org !== state.organizationId) throw new PlatformError(404, 'Organization not found');
        if (!state.orbits.has(orbit)) throw new PlatformError(404, 'Orbit not found');
        await handler(ctx, orbit, issues);
      }),
  });
  const pathId = (ctx: RouteContext, name: string, issues: ValidationIssue[]): string | undefined =>
    checkPathUuid(ctx.params[name] ?? '', name, issues);

  return [
    route('POST', '/satellites', async (ctx, orbitId, issues) => {
      const fields = await readFields(ctx, issues, { name: NAME, description: DESCRIPTION });
      if (rejectInvalid(ctx, issues) || fields === undefined) return;
      const { satellite, token } = state.createSatellite({
        name: fields.name as string | null | undefined,
        description: fields.description as string | null | undefined,
        orbitId,
      });
      sendJson(ctx.res, 200, { satellite, api_key: token });
    }),
    route('GET', '/satellites', (ctx, orbitId) => {
      const list = [...state.satellites.values()].filter((s) => s.orbit_id === orbitId);
      sendJson(
        ctx.res,
        200,
        list.map((s) => state.satelliteView(s)),
      );
    }),
    route('GET', '/satellites/{satellite_id}', (ctx, orbitId, issues) => {
      const id = pathId(ctx, 'satellite_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      sendJson(ctx.res, 200, state.satelliteView(state.requireSatellite(id, orbitId)));
    }),
    route('PATCH', '/satellites/{satellite_id}', async (ctx, orbitId, issues) => {
      const id = pathId(ctx, 'satellite_id', issues);
      const fields = await readFields(ctx, issues, { name: NAME, description: DESCRIPTION });
      if (rejectInvalid(ctx, issues) || id === undefined || fields === undefined) return;
      const record = state.requireSatellite(id, orbitId);
      if ('name' in fields) record.name = fields.name as string | null;
      if ('description' in fields) record.description = fields.description as string | null;
      record.updated_at = state.timestamp();
      sendJson(ctx.res, 200, state.satelliteView(record));
    }),
    route('DELETE', '/satellites/{satellite_id}', (ctx, orbitId, issues) => {
      const id = pathId(ctx, 'satellite_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      state.requireSatellite(id, orbitId);
      state.deleteSatellite(id);
      sendEmpty(ctx.res, 204);
    }),
    route('POST', '/satellites/{satellite_id}/api-key', (ctx, orbitId, issues) => {
      const id = pathId(ctx, 'satellite_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      state.requireSatellite(id, orbitId);
      sendJson(ctx.res, 200, { key: state.rotateSatelliteKey(id) });
    }),

    route('POST', '/deployments', async (ctx, orbitId, issues) => {
      const f = await readFields(ctx, issues, {
        satellite_id: { kind: 'uuid', required: true },
        artifact_id: { kind: 'uuid', required: true },
        name: { kind: 'string', maxLength: 100, required: true },
        description: DESCRIPTION,
        satellite_parameters: { kind: 'dict', values: { kind: 'scalar' } },
        env_variables: { kind: 'dict', values: { kind: 'string' } },
        tags: TAGS,
        env_variables_secrets: { kind: 'dict', values: { kind: 'uuid' } },
        dynamic_attributes_secrets: { kind: 'dict', values: { kind: 'uuid' } },
      });
      if (rejectInvalid(ctx, issues) || f === undefined) return;
      state.requireSatellite(f.satellite_id as string, orbitId);
      const { deployment } = state.createDeployment({
        satelliteId: f.satellite_id as string,
        artifactId: f.artifact_id as string,
        name: f.name as string,
        description: f.description as string | null | undefined,
        satelliteParameters: f.satellite_parameters as Record<string, string> | undefined,
        envVariables: f.env_variables as Record<string, string> | undefined,
        tags: f.tags as string[] | null | undefined,
        envVariablesSecrets: f.env_variables_secrets as Record<string, string> | undefined,
        dynamicAttributesSecrets: f.dynamic_attributes_secrets as
          | Record<string, string>
          | undefined,
      });
      sendJson(ctx.res, 200, deployment);
    }),
    route('GET', '/deployments', (ctx, orbitId) => {
      sendJson(
        ctx.res,
        200,
        [...state.deployments.values()].filter((d) => d.orbit_id === orbitId),
      );
    }),
    route('GET', '/deployments/{deployment_id}', (ctx, orbitId, issues) => {
      const id = pathId(ctx, 'deployment_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      sendJson(ctx.res, 200, state.requireDeployment(id, orbitId));
    }),
    route('DELETE', '/deployments/{deployment_id}', (ctx, orbitId, issues) => {
      const id = pathId(ctx, 'deployment_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      sendJson(ctx.res, 200, state.requestDeploymentDeletion(id, orbitId));
    }),
    route('DELETE', '/deployments/{deployment_id}/force', (ctx, orbitId, issues) => {
      const id = pathId(ctx, 'deployment_id', issues);
      if (rejectInvalid(ctx, issues) || id === undefined) return;
      state.requireDeployment(id, orbitId);
      state.deployments.delete(id);
      sendEmpty(ctx.res, 204);
    }),

    // Not a real platform route (uploads go straight to the bucket upstream): raw bytes in,
    // the artifact record out, so a demo can upload over HTTP. Query: `file_name`, `name`.
    route('POST', '/artifacts', async (ctx, orbitId) => {
      const bytes = await readBody(ctx.req);
      const stored = state.addArtifact({
        bytes,
        // An empty parameter means "not given", as for an absent one.
        fileName: ctx.url.searchParams.get('file_name') || undefined,
        name: ctx.url.searchParams.get('name') || undefined,
        orbitId,
      });
      sendJson(ctx.res, 200, stored.artifact);
    }),

    route('POST', '/secrets', async (ctx, orbitId, issues) => {
      const f = await readFields(ctx, issues, {
        name: { kind: 'string', maxLength: 255, required: true },
        value: { kind: 'string', maxLength: 8192, required: true },
        tags: TAGS,
      });
      if (rejectInvalid(ctx, issues) || f === undefined) return;
      const secret = state.createSecret({
        name: f.name as string,
        value: f.value as string,
        tags: f.tags as string[] | null | undefined,
        orbitId,
      });
      sendJson(ctx.res, 200, secret);
    }),
    route('GET', '/secrets', (ctx, orbitId) => {
      sendJson(
        ctx.res,
        200,
        [...state.secrets.values()].filter((s) => s.orbit_id === orbitId),
      );
    }),
  ];
}
