import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isUplinkError, parseWire, ResponseValidationError } from '@uplink/core-schemas';
import * as luml from '@uplink/core-schemas/luml';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';

// The malformed corpus: each case breaks one valid example payload in one way and names
// the path the error must point at.
const dir = resolve(import.meta.dirname, '../../../fixtures/luml');
const fixture = (file: string) =>
  JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as {
    request?: { body?: Record<string, unknown> };
    response?: { body?: unknown };
  };
const satellite = fixture('pair.json').response?.body as Record<string, unknown>;
const pairBody = fixture('pair.json').request?.body as Record<string, unknown>;
const task = (fixture('list-tasks-pending.json').response!.body as Record<string, unknown>[])[0]!;
const deployment = fixture('get-deployment.json').response?.body as Record<string, unknown>;
const artifactWithUrl = fixture('get-artifact.json').response?.body as {
  artifact: Record<string, unknown>;
  url: string;
};
const secret = fixture('get-secret.json').response?.body as Record<string, unknown>;
const field = (
  pairBody.capabilities as { deploy: { extra_fields_form_spec: Record<string, unknown>[] } }
).deploy.extra_fields_form_spec[0]!;

function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}

interface Case {
  name: string;
  schema: v.GenericSchema;
  input: unknown;
  path: string;
}

const cases: Case[] = [
  // missing required fields
  {
    name: 'satellite without id',
    schema: luml.SatelliteSchema,
    input: without(satellite, 'id'),
    path: 'id',
  },
  {
    name: 'task without status',
    schema: luml.SatelliteTaskSchema,
    input: without(task, 'status'),
    path: 'status',
  },
  {
    name: 'deployment without name',
    schema: luml.DeploymentSchema,
    input: without(deployment, 'name'),
    path: 'name',
  },
  {
    name: 'artifact response keyed `model`',
    schema: luml.ArtifactWithUrlSchema,
    input: { model: artifactWithUrl.artifact, url: artifactWithUrl.url },
    path: 'artifact',
  },
  {
    name: 'secret without value',
    schema: luml.OrbitSecretSchema,
    input: without(secret, 'value'),
    path: 'value',
  },
  {
    name: 'deployment update without status',
    schema: luml.DeploymentUpdateSchema,
    input: { inference_url: '/deployments/x' },
    path: 'status',
  },
  {
    name: 'error message without reason',
    schema: luml.DeploymentSchema,
    input: { ...deployment, error_message: { error: 'boom' } },
    path: 'error_message.reason',
  },
  {
    name: 'deployment without artifact_name',
    schema: luml.DeploymentSchema,
    input: without(deployment, 'artifact_name'),
    path: 'artifact_name',
  },
  // wrong types
  {
    name: 'paired as a string',
    schema: luml.SatelliteSchema,
    input: { ...satellite, paired: 'true' },
    path: 'paired',
  },
  {
    name: 'task type as a number',
    schema: luml.SatelliteTaskSchema,
    input: { ...task, type: 42 },
    path: 'type',
  },
  {
    name: 'scheduled_at not a date',
    schema: luml.SatelliteTaskSchema,
    input: { ...task, scheduled_at: 'yesterday' },
    path: 'scheduled_at',
  },
  {
    name: 'tag not a string',
    schema: luml.DeploymentSchema,
    input: { ...deployment, tags: ['prod', 1] },
    path: 'tags.1',
  },
  {
    name: 'env value not a string',
    schema: luml.DeploymentSchema,
    input: { ...deployment, env_variables: { LOG_LEVEL: 3 } },
    path: 'env_variables.LOG_LEVEL',
  },
  {
    name: 'authorized as a string',
    schema: luml.InferenceAccessResponseSchema,
    input: { authorized: 'yes' },
    path: 'authorized',
  },
  {
    name: 'file_index entry not a pair',
    schema: luml.ArtifactSchema,
    input: { ...artifactWithUrl.artifact, file_index: { 'a.json': [0] } },
    path: 'file_index.a.json.1',
  },
  {
    name: 'list answered with an object',
    schema: v.array(luml.SatelliteTaskSchema),
    input: { items: [task] },
    path: '',
  },
  // nulls where none are allowed
  {
    name: 'created_at null',
    schema: luml.SatelliteSchema,
    input: { ...satellite, created_at: null },
    path: 'created_at',
  },
  {
    name: 'payload null',
    schema: luml.SatelliteTaskSchema,
    input: { ...task, payload: null },
    path: 'payload',
  },
  {
    name: 'deployment status null',
    schema: luml.DeploymentSchema,
    input: { ...deployment, status: null },
    path: 'status',
  },
  { name: 'download url null', schema: luml.DownloadUrlSchema, input: { url: null }, path: 'url' },
  // unknown values of closed enums
  {
    name: 'task status `completed`',
    schema: luml.SatelliteTaskSchema,
    input: { ...task, status: 'completed' },
    path: 'status',
  },
  {
    name: 'deployment status `deleted`',
    schema: luml.DeploymentSchema,
    input: { ...deployment, status: 'deleted' },
    path: 'status',
  },
  {
    name: 'status update `completed`',
    schema: luml.TaskStatusUpdateSchema,
    input: { status: 'completed' },
    path: 'status',
  },
  {
    name: 'form field type `slider`',
    schema: luml.SatelliteFieldSchema,
    input: { ...field, type: 'slider' },
    path: 'type',
  },
  {
    name: 'validator type `between`',
    schema: luml.SatelliteFieldSchema,
    input: { ...field, validators: [{ type: 'between', value: 1 }] },
    path: 'validators.0.type',
  },
  {
    name: 'capability key `gpu`',
    schema: luml.PairRequestSchema,
    input: { ...pairBody, capabilities: { gpu: {} } },
    path: 'capabilities.gpu',
  },
  // non-UUID ids
  {
    name: 'satellite id not a UUID',
    schema: luml.SatelliteSchema,
    input: { ...satellite, id: 'sat-1' },
    path: 'id',
  },
  {
    name: 'task satellite_id not a UUID',
    schema: luml.SatelliteTaskSchema,
    input: { ...task, satellite_id: '1234' },
    path: 'satellite_id',
  },
  {
    name: 'deployment artifact_id not a UUID',
    schema: luml.DeploymentSchema,
    input: { ...deployment, artifact_id: 'model.luml' },
    path: 'artifact_id',
  },
  {
    name: 'task payload deployment_id not a UUID',
    schema: luml.DeploymentTaskPayloadSchema,
    input: { deployment_id: 'None' },
    path: 'deployment_id',
  },
  {
    name: 'secret map value not a UUID',
    schema: luml.DeploymentCreateRequestSchema,
    input: {
      satellite_id: satellite.id,
      artifact_id: deployment.artifact_id,
      name: 'x',
      env_variables_secrets: { K: 'not-a-uuid' },
    },
    path: 'env_variables_secrets.K',
  },
  // strict request bodies and limits
  {
    name: 'unknown key in a PATCH body',
    schema: luml.DeploymentUpdateSchema,
    input: { status: 'active', name: 'renamed' },
    path: 'name',
  },
  {
    name: 'unknown key in a status body',
    schema: luml.TaskStatusUpdateSchema,
    input: { status: 'done', results: {} },
    path: 'results',
  },
  {
    name: 'empty capability map',
    schema: luml.PairRequestSchema,
    input: { ...pairBody, capabilities: {} },
    path: 'capabilities',
  },
  {
    name: 'capability map whose only key is undefined (JSON drops it)',
    schema: luml.PairRequestSchema,
    input: { ...pairBody, capabilities: { monitoring: undefined } },
    path: 'capabilities',
  },
  {
    name: 'bare host base_url',
    schema: luml.PairRequestSchema,
    input: { ...pairBody, base_url: 'localhost' },
    path: 'base_url',
  },
  {
    name: 'ftp base_url',
    schema: luml.PairRequestSchema,
    input: { ...pairBody, base_url: 'ftp://host/' },
    path: 'base_url',
  },
  {
    name: '51 tags',
    schema: luml.DeploymentUpdateSchema,
    input: { status: 'active', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
    path: 'tags',
  },
  {
    name: 'a 65-char tag',
    schema: luml.DeploymentUpdateSchema,
    input: { status: 'active', tags: ['x'.repeat(65)] },
    path: 'tags.0',
  },
  {
    name: 'api key over 255 chars',
    schema: luml.InferenceAccessRequestSchema,
    input: { api_key: `dfs_${'a'.repeat(252)}` },
    path: 'api_key',
  },
  {
    name: '422 detail item without loc',
    schema: luml.ErrorDetailSchema,
    input: { detail: [{ msg: 'bad', type: 'enum' }] },
    path: 'detail',
  },
];

describe('LUML malformed corpus', () => {
  it.each(cases)('rejects $name at "$path"', ({ schema, input, path }) => {
    const result = v.safeParse(schema, input);
    expect(result.success).toBe(false);
    const paths = (result.issues ?? []).map((issue) => v.getDotPath(issue) ?? '');
    expect(paths).toContain(path);
  });

  it('turns a bad response into a ResponseValidationError naming the path and the expectation', () => {
    let caught: unknown;
    try {
      parseWire(
        luml.SatelliteTaskSchema,
        { ...task, status: 'completed' },
        'GET /satellites/v1/tasks',
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    expect(isUplinkError(caught)).toBe(true);
    const error = caught as ResponseValidationError;
    expect(error.path).toBe('status');
    expect(error.message).toContain('GET /satellites/v1/tasks');
    expect(error.message).toContain('at "status"');
    expect(error.message).toContain('"done"');
  });

  it('never echoes a secret value into the validation error JSON', () => {
    let caught: unknown;
    try {
      parseWire(luml.OrbitSecretSchema, { ...secret, id: 'not-a-uuid' });
    } catch (error) {
      caught = error;
    }
    const json = JSON.stringify((caught as ResponseValidationError).toJSON());
    expect(json).toContain('id');
    expect(json).not.toContain('sk-proj-9c2f');
  });
});
