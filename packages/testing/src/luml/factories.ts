// docs/protocols/luml.md §5 (models): schema-valid sample objects for tests
import type {
  Artifact,
  Deployment,
  OrbitSecret,
  Satellite,
  SatelliteTask,
} from '@uplink/core-schemas/luml';

/** The example ids of §3; factories default to them so objects link up. */
export const SAMPLE_IDS = {
  orbit: '0199c337-09f3-753e-9def-b27745e69be6',
  satellite: '0199c337-09f9-706e-9b80-58939d5fba79',
  deployment: '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713',
  task: '0199c4a2-3d1c-7f02-8e55-b0c7a4d61e29',
  artifact: '0199c3f0-12ab-7d4e-b6a1-9e0f2c7d5a38',
  collection: '0199c3ef-88c2-7a10-93d4-2b7e6f1c0a95',
  secret: '0199c3d2-4f6a-7e8b-a0c1-d5e9b3f72846',
} as const;

const now = (): string => new Date().toISOString();

/**
 * A `pending` `deploy` task for {@link SAMPLE_IDS}.satellite with a fresh id and a fresh
 * `payload.deployment_id` (override `payload` to point it at a deployment).
 */
export function createTask(overrides: Partial<SatelliteTask> = {}): SatelliteTask {
  const at = now();
  return {
    id: crypto.randomUUID(),
    satellite_id: SAMPLE_IDS.satellite,
    orbit_id: SAMPLE_IDS.orbit,
    type: 'deploy',
    payload: { deployment_id: crypto.randomUUID() },
    status: 'pending',
    scheduled_at: at,
    started_at: null,
    finished_at: null,
    result: {},
    created_at: at,
    updated_at: null,
    ...overrides,
  };
}

/** A `pending` deployment with a fresh id, on {@link SAMPLE_IDS}' satellite and artifact. */
export function createDeployment(overrides: Partial<Deployment> = {}): Deployment {
  const artifactId = overrides.artifact_id ?? SAMPLE_IDS.artifact;
  return {
    id: crypto.randomUUID(),
    orbit_id: SAMPLE_IDS.orbit,
    satellite_id: SAMPLE_IDS.satellite,
    satellite_name: 'edge-docker-01',
    name: 'churn-predictor',
    artifact_id: artifactId,
    artifact_name: 'model.luml',
    collection_id: SAMPLE_IDS.collection,
    inference_url: null,
    status: 'pending',
    satellite_parameters: {},
    description: null,
    dynamic_attributes_secrets: {},
    env_variables_secrets: {},
    env_variables: {},
    schemas: null,
    error_message: null,
    created_by_user: 'Ada Lovelace',
    tags: null,
    created_at: now(),
    updated_at: null,
    model_id: artifactId,
    model_artifact_name: 'model.luml',
    ...overrides,
  };
}

/** An `uploaded` model artifact with a fresh id in {@link SAMPLE_IDS}' collection. */
export function createArtifact(overrides: Partial<Artifact> = {}): Artifact {
  const id = overrides.id ?? crypto.randomUUID();
  const fileName = overrides.file_name ?? 'model.luml';
  return {
    id,
    file_name: fileName,
    name: 'churn-model',
    description: null,
    extra_values: {},
    file_hash: '9b74c9897bac770ffc029102a200c5de',
    file_index: { 'manifest.json': [0, 812] },
    size: 1_048_576,
    tags: ['xgboost'],
    type: 'model',
    collection_id: SAMPLE_IDS.collection,
    bucket_location: `orbits/${SAMPLE_IDS.orbit}/${id}/${fileName}`,
    unique_identifier: `churn-model-${id.slice(-6)}`,
    status: 'uploaded',
    created_by_user: 'Ada Lovelace',
    created_at: now(),
    updated_at: null,
    manifest: {
      variant: 'pyfunc',
      name: 'churn',
      version: '3',
      description: null,
      producer_name: 'luml',
      producer_version: '0.1.0',
      producer_tags: [],
      inputs: [],
      outputs: [],
      dynamic_attributes: [],
      env_vars: [],
    },
    ...overrides,
  };
}

/** An orbit secret with a fresh id. The value is a placeholder, never a real credential. */
export function createSecret(overrides: Partial<OrbitSecret> = {}): OrbitSecret {
  return {
    id: crypto.randomUUID(),
    orbit_id: SAMPLE_IDS.orbit,
    name: 'OPENAI_API_KEY',
    value: 'sk-test-placeholder',
    tags: ['llm'],
    created_at: now(),
    updated_at: null,
    ...overrides,
  };
}

/** A paired, `active` satellite ({@link SAMPLE_IDS}.satellite unless overridden). */
export function createSatellite(overrides: Partial<Satellite> = {}): Satellite {
  const at = now();
  return {
    id: SAMPLE_IDS.satellite,
    orbit_id: SAMPLE_IDS.orbit,
    name: 'edge-docker-01',
    description: null,
    base_url: 'http://localhost/',
    paired: true,
    capabilities: {
      deploy: {
        version: 1,
        supported_variants: ['pyfunc', 'pipeline'],
        supported_tags_combinations: null,
        extra_fields_form_spec: [],
      },
      monitoring: { version: 1 },
    },
    slug: 'docker-2026.01-v2-debian12',
    created_at: at,
    updated_at: at,
    last_seen_at: at,
    status: 'active',
    ...overrides,
  };
}
