// docs/protocols/luml.md §4.4-§4.12 and §18: deployment, artifact and secret routes of the fake.
import type { Deployment } from '@uplink/core-schemas/luml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeLumlPlatform,
  type FakeLumlPlatformOptions,
  startFakeLumlPlatform,
} from './fake-luml-platform.js';

// biome-ignore lint/suspicious/noExplicitAny: test responses are inspected loosely
type Loose = any;

let platform: FakeLumlPlatform;
let token: string;
let satelliteId: string;
let artifactId: string;
let deployment: Deployment;

const call = async (method: string, path: string, body?: unknown, auth: string = token) => {
  const headers: Record<string, string> = { authorization: `Bearer ${auth}` };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${platform.url}${path}`, init);
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json');
  return {
    status: res.status,
    text,
    body: (json ? JSON.parse(text) : undefined) as Loose,
    headers: res.headers,
  };
};

const setup = async (options: FakeLumlPlatformOptions = {}) => {
  platform = await startFakeLumlPlatform(options);
  ({
    token,
    satellite: { id: satelliteId },
  } = platform.createSatellite({ name: 'edge-docker-01' }));
  artifactId = platform.uploadArtifact({ bytes: 'weights', fileName: 'model.luml' }).id;
  deployment = platform.createDeployment({
    satelliteId,
    artifactId,
    name: 'churn-predictor',
    tags: ['prod', 'churn'],
    inferenceUrl: '/deployments/preset',
    schemas: { openapi: '3.1.0' },
    status: 'active',
  }).deployment;
};
afterEach(() => platform.close());

describe('deployments', () => {
  beforeEach(() => setup());

  it('lists and gets this satellite’s deployments only; 404 for another satellite’s', async () => {
    const other = platform.createSatellite();
    const foreign = platform.createDeployment({
      satelliteId: other.satellite.id,
      artifactId,
      name: 'x',
    }).deployment;
    const list = await call('GET', '/satellites/v1/deployments');
    expect(list.body.map((d: Deployment) => d.id)).toEqual([deployment.id]);
    const one = await call('GET', `/satellites/v1/deployments/${deployment.id}`);
    expect(one.body).toMatchObject({
      id: deployment.id,
      satellite_name: 'edge-docker-01',
      artifact_name: 'model.luml',
      model_id: artifactId,
      inference_url: '/deployments/preset',
    });
    expect(await call('GET', `/satellites/v1/deployments/${foreign.id}`)).toMatchObject({
      status: 404,
      body: { detail: 'Deployment not found' },
    });
    expect(
      (await call('GET', '/satellites/v1/deployments/not-a-uuid')).body.detail[0],
    ).toMatchObject({
      type: 'uuid_parsing',
      loc: ['path', 'deployment_id'],
    });
  });

  it('PATCH nulls every omitted field (quirk §18.1)', async () => {
    const r = await call('PATCH', `/satellites/v1/deployments/${deployment.id}`, {
      status: 'failed',
      error_message: { reason: 'Docker image not found' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'failed',
      error_message: { reason: 'Docker image not found' },
      tags: null,
      inference_url: null,
      schemas: null,
    });
    expect(platform.deployments[0]?.tags).toBeNull();
  });

  it('PATCH without status is a plain-text 500 and changes nothing (quirk §18.2)', async () => {
    const r = await call('PATCH', `/satellites/v1/deployments/${deployment.id}`, { tags: ['x'] });
    expect(r.status).toBe(500);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe('Internal Server Error');
    expect(platform.deployments[0]?.tags).toEqual(['prod', 'churn']);
    expect(
      (await call('PATCH', `/satellites/v1/deployments/${deployment.id}`, { status: null })).status,
    ).toBe(500);
  });

  it('PATCH with the full body keeps state; validates fields; inference_url is unique', async () => {
    const full = {
      status: 'active',
      inference_url: `/deployments/${deployment.id}`,
      schemas: { openapi: '3.1.0', paths: {} },
      tags: ['prod', 'churn'],
      error_message: null,
    };
    const r = await call('PATCH', `/satellites/v1/deployments/${deployment.id}`, full);
    expect(r.body).toMatchObject(full);
    const bad = await call('PATCH', `/satellites/v1/deployments/${deployment.id}`, {
      status: 'running',
      tags: Array.from({ length: 51 }, () => 't'),
      inference_url: 'x'.repeat(2049),
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail.map((d: { type: string }) => d.type).sort()).toEqual([
      'enum',
      'string_too_long',
      'too_long',
    ]);
    const longTag = await call('PATCH', `/satellites/v1/deployments/${deployment.id}`, {
      status: 'active',
      tags: ['y'.repeat(65)],
    });
    expect(longTag.body.detail[0].loc).toEqual(['body', 'tags', 0]);
    const second = platform.createDeployment({ satelliteId, artifactId, name: 'b' }).deployment;
    const clash = await call('PATCH', `/satellites/v1/deployments/${second.id}`, {
      status: 'active',
      inference_url: full.inference_url,
    });
    expect(clash.status).toBe(500);
  });

  it('PATCH …/status changes only the status', async () => {
    const r = await call('PATCH', `/satellites/v1/deployments/${deployment.id}/status`, {
      status: 'not_responding',
    });
    expect(r.body).toMatchObject({
      status: 'not_responding',
      tags: ['prod', 'churn'],
      inference_url: '/deployments/preset',
    });
    const missing = await call('PATCH', `/satellites/v1/deployments/${deployment.id}/status`, {});
    expect(missing.body.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'status'] });
  });

  it('DELETE is 409 outside deletion_pending, 204 inside, then 404', async () => {
    const path = `/satellites/v1/deployments/${deployment.id}`;
    expect(await call('DELETE', path)).toMatchObject({
      status: 409,
      body: { detail: 'Incorrect deployment status. Request deployment deletion first.' },
    });
    const undeploy = platform.requestDeploymentDeletion(deployment.id);
    expect(undeploy).toMatchObject({ type: 'undeploy', payload: { deployment_id: deployment.id } });
    expect(() => platform.requestDeploymentDeletion(deployment.id)).toThrow(
      /Deployment deletion already pending/,
    );
    const ok = await call('DELETE', path);
    expect(ok.status).toBe(204);
    expect(ok.text).toBe('');
    expect(platform.deployments).toEqual([]);
    expect((await call('DELETE', path)).status).toBe(404);
  });

  it('inference-access authorizes known user keys only, and validates the body', async () => {
    const denied = platform.addUserApiKey({ authorized: false });
    const check = (api_key: unknown) =>
      call('POST', '/satellites/v1/deployments/inference-access', { api_key });
    expect((await check(platform.userApiKey)).body).toEqual({ authorized: true });
    expect((await check(denied)).body).toEqual({ authorized: false });
    expect((await check('dfs_unknown')).body).toEqual({ authorized: false });
    platform.revokeUserApiKey(platform.userApiKey);
    expect((await check(platform.userApiKey)).body).toEqual({ authorized: false });
    expect((await check('k'.repeat(256))).status).toBe(422);
    expect((await check(12)).body.detail[0].type).toBe('string_type');
  });
});

describe('artifacts and secrets', () => {
  beforeEach(() => setup());

  it('serves {artifact, url} without `model`; the deprecated alias adds `model`', async () => {
    const r = await call('GET', `/satellites/v1/artifacts/${artifactId}`);
    expect(Object.keys(r.body).sort()).toEqual(['artifact', 'url']);
    expect(r.body.artifact.id).toBe(artifactId);
    // The real platform never stores a null manifest; the fake fills in a minimal one.
    expect(r.body.artifact.manifest).toMatchObject({ variant: 'pyfunc', producer_tags: [] });
    expect(r.body.url).toContain(`${platform.url}/luml-artifacts/`);
    const old = await call('GET', `/satellites/v1/model_artifacts/${artifactId}`);
    expect(old.body.model).toEqual(old.body.artifact);
    const url = await call('GET', `/satellites/v1/artifacts/${artifactId}/download-url`);
    expect(new URL(url.body.url).searchParams.get('X-Amz-Expires')).toBe('43200');
    expect(
      (await call('GET', `/satellites/v1/model_artifacts/${artifactId}/download-url`)).body.url,
    ).toMatch(/X-Amz-Signature=/);
  });

  it('answers 404 for an artifact of another orbit and 422 for a bad id', async () => {
    const elsewhere = platform.uploadArtifact({ bytes: 'x', orbitId: crypto.randomUUID() });
    expect(
      await call('GET', `/satellites/v1/artifacts/${elsewhere.id}/download-url`),
    ).toMatchObject({
      status: 404,
      body: { detail: 'Artifact not found' },
    });
    expect((await call('GET', '/satellites/v1/artifacts/nope')).status).toBe(422);
  });

  it('answers 400 when the bucket cannot mint URLs, until restored (§4.10)', async () => {
    platform.failArtifactUrls('bucket unreachable');
    for (const path of [
      `/satellites/v1/artifacts/${artifactId}/download-url`,
      `/satellites/v1/artifacts/${artifactId}`,
    ]) {
      expect(await call('GET', path)).toMatchObject({
        status: 400,
        body: { detail: 'Failed to generate download URL: bucket unreachable' },
      });
    }
    // An unknown artifact is still a 404: the lookup comes before minting.
    expect((await call('GET', `/satellites/v1/artifacts/${crypto.randomUUID()}`)).status).toBe(404);
    platform.failArtifactUrls(undefined);
    expect((await call('GET', `/satellites/v1/artifacts/${artifactId}/download-url`)).status).toBe(
      200,
    );
  });

  it('lists and gets the orbit’s secrets with decrypted values; 404 elsewhere', async () => {
    const secret = platform.createSecret({
      name: 'OPENAI_API_KEY',
      value: 'sk-test',
      tags: ['llm'],
    });
    const foreign = platform.createSecret({ name: 'X', value: 'y', orbitId: crypto.randomUUID() });
    expect((await call('GET', '/satellites/v1/secrets')).body).toEqual([secret]);
    expect((await call('GET', `/satellites/v1/secrets/${secret.id}`)).body.value).toBe('sk-test');
    expect(await call('GET', `/satellites/v1/secrets/${foreign.id}`)).toMatchObject({
      status: 404,
      body: { detail: 'Orbit secret not found' },
    });
    expect(platform.secrets).toHaveLength(2);
    expect((await call('GET', '/satellites/v1/secrets/bad')).status).toBe(422);
  });
});

describe('quirks can be turned off', () => {
  it('patchNullsOmittedFields: false keeps omitted fields; patchWithoutStatusFails: false keeps status', async () => {
    await setup({ quirks: { patchNullsOmittedFields: false, patchWithoutStatusFails: false } });
    const r = await call('PATCH', `/satellites/v1/deployments/${deployment.id}`, { tags: ['new'] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'active',
      tags: ['new'],
      inference_url: '/deployments/preset',
    });
  });
});
