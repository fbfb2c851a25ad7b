import { readdirSync, readFileSync } from 'node:fs';
import { type AnySchema, parseWire } from '@uplink/core-schemas';
import * as luml from '@uplink/core-schemas/luml';
import { describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

// Replays the wire fixtures (fixtures/luml) against the fake, in a world built from the
// example ids and keys of docs/protocols/luml.md: the fake must answer with the same status,
// content type and, for errors, the same body; success bodies must have the same fields and parse
// with core-schemas.

interface Fixture {
  description?: string;
  schemas?: { response?: string };
  request?: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response?: { status?: number; headers?: Record<string, string>; body?: unknown };
}

const dir = new URL('../../../../fixtures/luml/', import.meta.url);
const IDS = {
  org: '0199c336-aa10-7b2c-8d3e-4f5a6b7c8d9e',
  orbit: '0199c337-09f3-753e-9def-b27745e69be6',
  satellite: '0199c337-09f9-706e-9b80-58939d5fba79',
  deployment: '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713',
  task: '0199c4a2-3d1c-7f02-8e55-b0c7a4d61e29',
  artifact: '0199c3f0-12ab-7d4e-b6a1-9e0f2c7d5a38',
  secret: '0199c3d2-4f6a-7e8b-a0c1-d5e9b3f72846',
};
const SATELLITE_KEY = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';
const USER_KEY = 'dfs_F-xvH1zvbdOiSxErZPsmpuyD1cPWHrAF2rSI1n6K96E';

// Not served by the platform (satellite agent / model server), plain examples, or a failure
// the fake cannot be put into (a satellite row gone while its key still authenticates).
const NOT_PLATFORM = /^(agent-|model-|form-spec)/;
const UNREPRODUCIBLE = new Set(['pair-satellite-not-found']);

const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .filter((n) => !NOT_PLATFORM.test(n) && !UNREPRODUCIBLE.has(n))
  .filter((n) => {
    const fixture = JSON.parse(readFileSync(new URL(`${n}.json`, dir), 'utf8')) as Fixture;
    return fixture.request?.method !== undefined && fixture.response?.status !== undefined;
  });

async function world(name: string): Promise<FakeLumlPlatform> {
  const platform = await startFakeLumlPlatform({
    organizationId: IDS.org,
    orbitId: IDS.orbit,
    userApiKeys: [USER_KEY],
  });
  platform.createSatellite({ id: IDS.satellite, token: SATELLITE_KEY, name: 'edge-docker-01' });
  if (name !== 'artifact-not-found')
    platform.uploadArtifact({ id: IDS.artifact, bytes: 'model bytes', fileName: 'model.luml' });
  if (name !== 'get-secret-not-found')
    platform.createSecret({ id: IDS.secret, name: 'OPENAI_API_KEY', value: 'sk-proj-9c2f' });
  if (name !== 'get-deployment-not-found' && name !== 'artifact-not-found')
    platform.createDeployment({
      id: IDS.deployment,
      satelliteId: IDS.satellite,
      artifactId: IDS.artifact,
      name: 'churn-predictor',
      enqueueTask: false,
    });
  if (name !== 'task-status-not-found')
    platform.enqueueTask({
      id: IDS.task,
      satelliteId: IDS.satellite,
      type: 'deploy',
      payload: { deployment_id: IDS.deployment },
    });
  if (name === 'delete-deployment' || name === 'user-delete-deployment-conflict')
    platform.requestDeploymentDeletion(IDS.deployment);
  if (name === 'artifact-download-url-failed') platform.failArtifactUrls('bucket unreachable');
  if (name === 'inference-access-denied')
    platform.addUserApiKey({ key: USER_KEY, authorized: false });
  return platform;
}

const keysOf = (value: unknown): string[] =>
  Array.isArray(value) ? keysOf(value[0]) : Object.keys(value as object).sort();

describe('FakeLumlPlatform replays the wire fixtures', () => {
  it('has fixtures to replay', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names)('%s', async (name) => {
    const fixture = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
    const request = fixture.request!;
    const expected = fixture.response!;
    await using platform = await world(name);
    const res = await fetch(`${platform.url}${request.path}`, {
      method: request.method,
      headers: request.headers ?? {},
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    const text = await res.text();
    expect(res.status, `${name}: ${text}`).toBe(expected.status);
    const expectedType = expected.headers?.['content-type'];
    if (expectedType) expect(res.headers.get('content-type')).toBe(expectedType);
    if (expected.status === 204) {
      expect(text).toBe('');
      return;
    }
    const body: unknown = expectedType?.startsWith('application/json') ? JSON.parse(text) : text;
    if ((expected.status ?? 0) >= 400) {
      expect(body).toEqual(expected.body);
      return;
    }
    expect(keysOf(body)).toEqual(keysOf(expected.body));
    const schemaName = fixture.schemas?.response;
    if (schemaName) {
      const isList = schemaName.endsWith('[]');
      const schema = (luml as Record<string, unknown>)[schemaName.replace('[]', '')];
      expect(schema, schemaName).toBeDefined();
      const items = isList ? (body as unknown[]) : [body];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) parseWire(schema as AnySchema, item, name);
    }
  });
});
