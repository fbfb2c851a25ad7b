import { createHash } from 'node:crypto';
import type { Deployment, SatelliteTask } from '@uplink/core-schemas/luml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

// biome-ignore lint/suspicious/noExplicitAny: test responses are inspected loosely
type Loose = any;

let platform: FakeLumlPlatform;
let base: string;

beforeEach(async () => {
  platform = await startFakeLumlPlatform({ userApiKeys: ['dfs_demo-user-key'] });
  base = `/v1/organizations/${platform.organizationId}/orbits/${platform.orbitId}`;
});
afterEach(() => platform.close());

const user = async (method: string, path: string, body?: unknown, raw?: Uint8Array) => {
  const headers: Record<string, string> = { authorization: 'Bearer dfs_demo-user-key' };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (raw) init.body = new Blob([raw as Uint8Array<ArrayBuffer>]);
  const res = await fetch(`${platform.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : undefined) as Loose };
};

describe('user-side routes (docs/protocols/luml.md §17)', () => {
  it('drives a whole demo over HTTP: satellite, artifact, secret, deployment, deletion', async () => {
    const created = await user('POST', `${base}/satellites`, {
      name: 'edge-docker-01',
      description: 'eu-west',
    });
    expect(created.status).toBe(200);
    expect(created.body.api_key).toMatch(/^dfssat_[A-Za-z0-9_-]{43}$/);
    expect(created.body.satellite).toMatchObject({
      paired: false,
      capabilities: {},
      base_url: null,
      status: 'inactive',
    });
    const satelliteId: string = created.body.satellite.id;

    const bytes = new TextEncoder().encode('model-bytes');
    const artifact = await user(
      'POST',
      `${base}/artifacts?file_name=churn.luml&name=churn`,
      undefined,
      bytes,
    );
    expect(artifact.body).toMatchObject({
      file_name: 'churn.luml',
      name: 'churn',
      size: bytes.length,
      file_hash: createHash('sha256').update(bytes).digest('hex'),
    });
    const secret = await user('POST', `${base}/secrets`, {
      name: 'API_TOKEN',
      value: 's3cr3t',
      tags: null,
    });
    expect(secret.body).toMatchObject({ name: 'API_TOKEN', orbit_id: platform.orbitId });
    expect((await user('GET', `${base}/secrets`)).body).toHaveLength(1);

    const dep = await user('POST', `${base}/deployments`, {
      satellite_id: satelliteId,
      artifact_id: artifact.body.id,
      name: 'churn-predictor',
      satellite_parameters: { monitoring_enabled: true },
      env_variables: { LOG_LEVEL: 'INFO' },
      tags: ['prod'],
      env_variables_secrets: { API_TOKEN: secret.body.id },
    });
    expect(dep.body).toMatchObject({
      status: 'pending',
      inference_url: null,
      tags: ['prod'],
      artifact_name: 'churn.luml',
    });
    const deployment = dep.body as Deployment;
    expect(platform.tasks.map((t) => [t.type, t.payload])).toEqual([
      ['deploy', { deployment_id: deployment.id }],
    ]);
    expect((await user('GET', `${base}/deployments`)).body).toHaveLength(1);
    expect((await user('GET', `${base}/deployments/${deployment.id}`)).body.id).toBe(deployment.id);

    const removal = await user('DELETE', `${base}/deployments/${deployment.id}`);
    expect(removal.body as SatelliteTask).toMatchObject({ type: 'undeploy', status: 'pending' });
    expect(platform.deployments[0]?.status).toBe('deletion_pending');
    expect(await user('DELETE', `${base}/deployments/${deployment.id}`)).toMatchObject({
      status: 409,
      body: { detail: 'Deployment deletion already pending' },
    });
    expect(await user('DELETE', `${base}/satellites/${satelliteId}`)).toMatchObject({
      status: 409,
    });
    expect((await user('DELETE', `${base}/deployments/${deployment.id}/force`)).status).toBe(204);
    expect((await user('DELETE', `${base}/satellites/${satelliteId}`)).status).toBe(204);
    expect(platform.satellites).toEqual([]);
  });

  it('lists, reads, renames satellites and rotates their key', async () => {
    const { satellite, token } = platform.createSatellite({ name: 'a' });
    expect((await user('GET', `${base}/satellites`)).body.map((s: { id: string }) => s.id)).toEqual(
      [satellite.id],
    );
    const renamed = await user('PATCH', `${base}/satellites/${satellite.id}`, {
      name: 'b',
      description: null,
    });
    expect(renamed.body).toMatchObject({ name: 'b', description: null });
    expect((await user('GET', `${base}/satellites/${satellite.id}`)).body.name).toBe('b');
    const rotated = await user('POST', `${base}/satellites/${satellite.id}/api-key`);
    expect(rotated.body.key).toMatch(/^dfssat_/);
    const old = await fetch(`${platform.url}/satellites/v1/tasks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(old.status).toBe(401);
  });

  it('answers 404 for unknown org, orbit, satellite or artifact and 422 for bad ids and bodies', async () => {
    const otherOrg = `/v1/organizations/${crypto.randomUUID()}/orbits/${platform.orbitId}/satellites`;
    expect((await user('GET', otherOrg)).body).toEqual({ detail: 'Organization not found' });
    const otherOrbit = `/v1/organizations/${platform.organizationId}/orbits/${crypto.randomUUID()}/satellites`;
    expect((await user('GET', otherOrbit)).body).toEqual({ detail: 'Orbit not found' });
    const badIds = await user('GET', '/v1/organizations/x/orbits/y/satellites');
    expect(badIds.body.detail.map((d: { loc: unknown }) => d.loc)).toEqual([
      ['path', 'organization_id'],
      ['path', 'orbit_id'],
    ]);
    expect((await user('GET', `${base}/satellites/${crypto.randomUUID()}`)).body).toEqual({
      detail: 'Satellite not found',
    });
    const { satellite } = platform.createSatellite();
    const noArtifact = await user('POST', `${base}/deployments`, {
      satellite_id: satellite.id,
      artifact_id: crypto.randomUUID(),
      name: 'x',
    });
    expect(noArtifact).toMatchObject({ status: 404, body: { detail: 'Artifact not found' } });
    const bad = await user('POST', `${base}/deployments`, {
      satellite_id: 'nope',
      name: 'n'.repeat(101),
      satellite_parameters: { a: [1] },
      env_variables_secrets: { A: 'not-a-uuid' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.detail.map((d: { loc: unknown[] }) => d.loc.join('.')).sort()).toEqual([
      'body.artifact_id',
      'body.env_variables_secrets.A',
      'body.name',
      'body.satellite_id',
      'body.satellite_parameters.a',
    ]);
    expect((await user('POST', `${base}/satellites`, { name: 'x'.repeat(101) })).status).toBe(422);
    expect((await user('POST', `${base}/secrets`, { name: 'x' })).status).toBe(422);
  });
});
