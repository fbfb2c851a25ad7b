import { parseWire } from '@uplink/core-schemas';
import {
  ArtifactSchema,
  DeploymentSchema,
  DeploymentTaskPayloadSchema,
  OrbitSecretSchema,
  SatelliteSchema,
  SatelliteTaskSchema,
} from '@uplink/core-schemas/luml';
import { describe, expect, it } from 'vitest';
import {
  createArtifact,
  createDeployment,
  createSatellite,
  createSecret,
  createTask,
  SAMPLE_IDS,
} from './factories.js';

describe('factories', () => {
  it('produce objects the core-schemas luml schemas accept', () => {
    expect(parseWire(SatelliteTaskSchema, createTask())).toMatchObject({
      status: 'pending',
      type: 'deploy',
    });
    expect(parseWire(DeploymentTaskPayloadSchema, createTask().payload)).toHaveProperty(
      'deployment_id',
    );
    expect(parseWire(DeploymentSchema, createDeployment()).status).toBe('pending');
    expect(parseWire(ArtifactSchema, createArtifact()).type).toBe('model');
    expect(parseWire(OrbitSecretSchema, createSecret()).name).toBe('OPENAI_API_KEY');
    expect(parseWire(SatelliteSchema, createSatellite()).status).toBe('active');
  });

  it('take overrides and stay valid; ids are fresh unless fixed', () => {
    const task = createTask({ status: 'running', type: 'undeploy' });
    expect(parseWire(SatelliteTaskSchema, task)).toMatchObject({
      status: 'running',
      type: 'undeploy',
    });
    expect(createTask().id).not.toBe(createTask().id);
    const deployment = createDeployment({
      artifact_id: SAMPLE_IDS.artifact,
      tags: ['a'],
      status: 'active',
    });
    expect(parseWire(DeploymentSchema, deployment)).toMatchObject({
      model_id: SAMPLE_IDS.artifact,
      tags: ['a'],
    });
    const artifact = createArtifact({ file_name: 'x.luml' });
    expect(artifact.bucket_location).toMatch(/\/x\.luml$/);
    expect(createSatellite({ paired: false, status: 'inactive' }).paired).toBe(false);
    expect(createSecret({ value: 'v' }).value).toBe('v');
  });

  it('are rejected by the schemas when an override breaks the contract', () => {
    expect(() =>
      parseWire(SatelliteTaskSchema, createTask({ status: 'completed' as never })),
    ).toThrow();
    expect(() => parseWire(DeploymentSchema, createDeployment({ id: 'nope' }))).toThrow();
  });
});
