import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as luml from '@uplink/core-schemas/luml';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';

// Every example payload of docs/protocols/luml.md lives in fixtures/luml/*.json. Each file names
// the schemas of its request and response body; `Name[]` means an array of that schema.
const dir = resolve(import.meta.dirname, '../../../fixtures/luml');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

interface Fixture {
  description: string;
  schemas: { request?: string; response?: string };
  request?: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response?: { status: number; headers?: Record<string, string>; body: unknown };
  example?: unknown;
}

function schemaFor(name: string): v.GenericSchema {
  const isArray = name.endsWith('[]');
  const base = (luml as Record<string, unknown>)[isArray ? name.slice(0, -2) : name];
  if (!base || typeof base !== 'object' || !('~standard' in base)) {
    throw new Error(`fixture names unknown schema ${name}`);
  }
  return isArray ? v.array(base as v.GenericSchema) : (base as v.GenericSchema);
}

function load(file: string): Fixture {
  return JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Fixture;
}

describe('LUML wire fixtures', () => {
  it('has one fixture per example of docs/protocols/luml.md', () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
  });

  it.each(files)('%s parses with its schemas', (file) => {
    const fixture = load(file);
    expect(fixture.description).toMatch(/^docs\/protocols\/luml\.md §\d/);
    const { request: reqName, response: resName } = fixture.schemas;
    if (reqName) {
      const result = v.safeParse(schemaFor(reqName), fixture.request?.body);
      expect(result.issues?.map((i) => v.getDotPath(i))).toBeUndefined();
      expect(result.success).toBe(true);
    }
    if (resName) {
      const body = fixture.example ?? fixture.response?.body;
      const result = v.safeParse(schemaFor(resName), body);
      expect(result.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`)).toBeUndefined();
      expect(result.success).toBe(true);
    }
    if (fixture.request) {
      expect(fixture.request.method).toMatch(/^(GET|POST|PATCH|DELETE)$/);
      expect(fixture.request.path.startsWith('/')).toBe(true);
    }
  });

  it('keeps unknown and deprecated fields on responses (tolerant reader)', () => {
    const deployment = luml.DeploymentSchema;
    const body = { ...(load('get-deployment.json').response?.body as object), new_field: 42 };
    const parsed = v.parse(deployment, body);
    expect(parsed.new_field).toBe(42);
    expect(parsed.model_id).toBe(parsed.artifact_id);
    expect(parsed.inference_url).toBe('/deployments/0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713');
  });

  it('reads the artifact under `artifact`, not `model`', () => {
    const parsed = v.parse(luml.ArtifactWithUrlSchema, load('get-artifact.json').response?.body);
    expect(parsed.artifact.file_name).toBe('model.luml');
    expect('model' in parsed).toBe(false);
  });

  it('keeps an unknown task type as an open string', () => {
    const task = (load('list-tasks-pending.json').response!.body as object[])[0];
    const parsed = v.parse(luml.SatelliteTaskSchema, { ...task, type: 'pairing' });
    expect(parsed.type).toBe('pairing');
  });

  it('keeps unknown satellite and artifact statuses', () => {
    const sat = v.parse(luml.SatelliteSchema, {
      ...(load('pair.json').response?.body as object),
      status: 'degraded',
    });
    expect(sat.status).toBe('degraded');
    const art = load('get-artifact.json').response?.body as { artifact: object };
    const parsed = v.parse(luml.ArtifactSchema, { ...art.artifact, status: 'archived' });
    expect(parsed.status).toBe('archived');
  });

  it('fills defaults for nullable fields the platform left out', () => {
    const parsed = v.parse(luml.SatelliteTaskSchema, {
      id: '0199c4a2-3d1c-7f02-8e55-b0c7a4d61e29',
      satellite_id: '0199c337-09f9-706e-9b80-58939d5fba79',
      orbit_id: '0199c337-09f3-753e-9def-b27745e69be6',
      type: 'deploy',
      status: 'pending',
      scheduled_at: '2026-08-17T15:02:11.482913Z',
      created_at: '2026-08-17T15:02:11.482913Z',
    });
    expect(parsed).toMatchObject({ payload: {}, result: null, started_at: null });
  });

  it('parses the recursive form-spec conditions', () => {
    const fields = v.parse(v.array(luml.SatelliteFieldSchema), load('form-spec-rich.json').example);
    const batch = fields.find((f) => f.name === 'batch_size');
    expect(Array.isArray(batch?.conditions[0]?.body)).toBe(true);
    expect(fields[0]?.validators[0]).toMatchObject({
      message: 'Your deployment custom base url. ',
    });
  });

  it('lists the statuses in lifecycle order', () => {
    expect(luml.TASK_STATUSES).toEqual(['pending', 'running', 'done', 'failed']);
    expect(luml.DEPLOYMENT_STATUSES).toContain('deletion_pending');
    expect(luml.CAPABILITY_NAMES).toEqual(['deploy', 'monitoring']);
  });
});
