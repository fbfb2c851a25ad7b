// docs/protocols/luml.md §5 (models), §7 (lifecycles) and §17 (user-side effects)
import { createHash } from 'node:crypto';
import type {
  Artifact,
  Deployment,
  OrbitSecret,
  Satellite,
  SatelliteTask,
  TaskStatus,
} from '@uplink/core-schemas/luml';
import { generateSatelliteKey } from './credentials.js';
import {
  type CreateDeploymentInput,
  type CreateSecretInput,
  type EnqueueTaskInput,
  PlatformError,
  type SatelliteRecord,
  type StoredArtifact,
  type UploadArtifactInput,
} from './state-types.js';
import { sortByScheduledAt } from './task-order.js';

const TWENTY_MINUTES_MS = 20 * 60 * 1000;

/**
 * The last path segment of a file name, for the bucket key: `dir/x.bin` and `../x.bin` become
 * `x.bin`, and a name that is empty or only dots becomes `artifact`, because a URL parser
 * would resolve `.`/`..` segments away and the presigned URL would no longer match its key.
 */
function objectName(fileName: string): string {
  const last = fileName.split(/[/\\]/u).at(-1) ?? '';
  return /^\.*$/u.test(last) ? 'artifact' : last;
}

/** A minimal legacy manifest (§5.6): the real platform never stores a null one. */
function defaultManifest(name: string | null): Record<string, unknown> {
  return {
    variant: 'pyfunc',
    name,
    version: '1',
    description: null,
    producer_name: 'uplink-fake',
    producer_version: '0.0.0',
    producer_tags: [],
    inputs: [],
    outputs: [],
    dynamic_attributes: [],
    env_vars: [],
  };
}

/** The fake platform's in-memory database. */
export class LumlState {
  /** Orbit id -> its (single) collection id. */
  readonly orbits = new Map<string, string>();
  readonly satellites = new Map<string, SatelliteRecord>();
  /** Satellite key -> satellite id (the real platform stores only an HMAC). */
  readonly satelliteKeys = new Map<string, string>();
  readonly deployments = new Map<string, Deployment>();
  readonly tasks = new Map<string, SatelliteTask>();
  readonly artifacts = new Map<string, StoredArtifact>();
  readonly secrets = new Map<string, OrbitSecret>();
  /** User `dfs_` key -> whether it may read this orbit's deployments. */
  readonly userKeys = new Map<string, { authorized: boolean }>();

  constructor(
    readonly organizationId: string,
    readonly orbitId: string,
    readonly now: () => Date,
  ) {
    this.ensureOrbit(orbitId);
  }

  /** Current time as the platform writes it (ISO 8601, UTC). */
  timestamp(): string {
    return this.now().toISOString();
  }

  /** Make an orbit known; returns its collection id. */
  ensureOrbit(orbitId: string): string {
    let collection = this.orbits.get(orbitId);
    if (collection === undefined) {
      collection = crypto.randomUUID();
      this.orbits.set(orbitId, collection);
    }
    return collection;
  }

  /** A satellite as the API returns it, with the derived `status`. */
  satelliteView(record: SatelliteRecord): Satellite {
    let status: 'active' | 'inactive' | 'error' = 'active';
    if (!record.paired || record.last_seen_at === null) status = 'inactive';
    else if (this.now().getTime() - Date.parse(record.last_seen_at) > TWENTY_MINUTES_MS)
      status = 'error';
    return { ...record, capabilities: { ...record.capabilities }, status };
  }

  /** Create an unpaired satellite and its key (shown once). */
  createSatellite(
    input: {
      name?: string | null | undefined;
      description?: string | null | undefined;
      orbitId?: string | undefined;
      id?: string | undefined;
      token?: string | undefined;
    } = {},
  ): { satellite: Satellite; token: string } {
    const orbitId = input.orbitId ?? this.orbitId;
    this.ensureOrbit(orbitId);
    const record: SatelliteRecord = {
      id: input.id ?? crypto.randomUUID(),
      orbit_id: orbitId,
      name: input.name ?? null,
      description: input.description ?? null,
      base_url: null,
      paired: false,
      capabilities: {},
      slug: null,
      created_at: this.timestamp(),
      updated_at: null,
      last_seen_at: null,
    };
    this.satellites.set(record.id, record);
    const token = input.token ?? generateSatelliteKey();
    this.satelliteKeys.set(token, record.id);
    return { satellite: this.satelliteView(record), token };
  }

  /** Revoke every key of a satellite and issue a new one. */
  rotateSatelliteKey(satelliteId: string): string {
    this.requireSatellite(satelliteId);
    this.revokeSatelliteKeys(satelliteId);
    const token = generateSatelliteKey();
    this.satelliteKeys.set(token, satelliteId);
    return token;
  }

  /** Revoke every key of a satellite (its requests then get 401). */
  revokeSatelliteKeys(satelliteId: string): void {
    for (const [key, id] of this.satelliteKeys)
      if (id === satelliteId) this.satelliteKeys.delete(key);
  }

  /** Delete a satellite; 409 while deployments reference it. */
  deleteSatellite(satelliteId: string): void {
    this.requireSatellite(satelliteId);
    for (const d of this.deployments.values())
      if (d.satellite_id === satelliteId)
        throw new PlatformError(409, 'Satellite has deployments. Delete them first.');
    this.revokeSatelliteKeys(satelliteId);
    this.satellites.delete(satelliteId);
  }

  requireSatellite(satelliteId: string, orbitId?: string): SatelliteRecord {
    const record = this.satellites.get(satelliteId);
    if (!record || (orbitId !== undefined && record.orbit_id !== orbitId))
      throw new PlatformError(404, 'Satellite not found');
    return record;
  }

  /** Record a satellite request: every authenticated call is a heartbeat (§2). */
  touch(satelliteId: string): void {
    const record = this.satellites.get(satelliteId);
    if (record) record.last_seen_at = this.timestamp();
  }

  /** Queue a task for a satellite. */
  enqueueTask(input: EnqueueTaskInput): SatelliteTask {
    const satellite = this.requireSatellite(input.satelliteId);
    const now = this.timestamp();
    const task: SatelliteTask = {
      id: input.id ?? crypto.randomUUID(),
      satellite_id: satellite.id,
      orbit_id: satellite.orbit_id,
      type: input.type,
      payload: input.payload ?? {},
      status: input.status ?? 'pending',
      scheduled_at: input.scheduledAt ?? now,
      started_at: null,
      finished_at: null,
      result: {},
      created_at: now,
      updated_at: null,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  /** Tasks in `scheduled_at` order (stable: creation order breaks ties). */
  sortedTasks(filter: (task: SatelliteTask) => boolean = () => true): SatelliteTask[] {
    return sortByScheduledAt([...this.tasks.values()].filter(filter));
  }

  /** Apply a task status update: any transition is accepted (§7.1). */
  updateTaskStatus(task: SatelliteTask, status: TaskStatus, result: unknown): SatelliteTask {
    const now = this.timestamp();
    task.status = status;
    if (result !== null && result !== undefined) task.result = result as Record<string, unknown>;
    if (status === 'running') task.started_at = now;
    if (status === 'done' || status === 'failed') task.finished_at = now;
    task.updated_at = now;
    return task;
  }

  /** Create a deployment (`pending`) and queue its `deploy` task, as `POST /deployments` does. */
  createDeployment(input: CreateDeploymentInput & { enqueueTask: false }): {
    deployment: Deployment;
    task: undefined;
  };
  createDeployment(input: CreateDeploymentInput): { deployment: Deployment; task: SatelliteTask };
  createDeployment(input: CreateDeploymentInput): {
    deployment: Deployment;
    task: SatelliteTask | undefined;
  } {
    const satellite = this.requireSatellite(input.satelliteId);
    const stored = this.artifacts.get(input.artifactId);
    if (!stored || stored.orbitId !== satellite.orbit_id)
      throw new PlatformError(404, 'Artifact not found');
    const { artifact } = stored;
    const id = input.id ?? crypto.randomUUID();
    const deployment: Deployment = {
      id,
      orbit_id: satellite.orbit_id,
      satellite_id: satellite.id,
      satellite_name: satellite.name ?? '',
      name: input.name,
      artifact_id: artifact.id,
      artifact_name: artifact.file_name,
      collection_id: artifact.collection_id,
      inference_url: input.inferenceUrl ?? null,
      status: input.status ?? 'pending',
      satellite_parameters: { ...(input.satelliteParameters ?? {}) },
      description: input.description ?? null,
      dynamic_attributes_secrets: { ...(input.dynamicAttributesSecrets ?? {}) },
      env_variables_secrets: { ...(input.envVariablesSecrets ?? {}) },
      env_variables: { ...(input.envVariables ?? {}) },
      schemas: input.schemas ?? null,
      error_message: null,
      created_by_user: input.createdByUser === undefined ? 'Ada Lovelace' : input.createdByUser,
      tags: input.tags === undefined ? null : input.tags,
      created_at: this.timestamp(),
      updated_at: null,
      model_id: artifact.id,
      model_artifact_name: artifact.file_name,
    };
    this.deployments.set(id, deployment);
    const task =
      input.enqueueTask === false
        ? undefined
        : this.enqueueTask({
            satelliteId: satellite.id,
            type: 'deploy',
            payload: { deployment_id: id },
          });
    return { deployment, task };
  }

  requireDeployment(id: string, orbitId?: string): Deployment {
    const deployment = this.deployments.get(id);
    if (!deployment || (orbitId !== undefined && deployment.orbit_id !== orbitId))
      throw new PlatformError(404, 'Deployment not found');
    return deployment;
  }

  /** The user deletes a deployment: `deletion_pending` plus an `undeploy` task (§17). */
  requestDeploymentDeletion(id: string, orbitId?: string): SatelliteTask {
    const deployment = this.requireDeployment(id, orbitId);
    if (deployment.status === 'deletion_pending')
      throw new PlatformError(409, 'Deployment deletion already pending');
    deployment.status = 'deletion_pending';
    deployment.updated_at = this.timestamp();
    return this.enqueueTask({
      satelliteId: deployment.satellite_id,
      type: 'undeploy',
      payload: { deployment_id: id },
    });
  }

  /** Store artifact bytes and its metadata. */
  addArtifact(input: UploadArtifactInput): StoredArtifact {
    const orbitId = input.orbitId ?? this.orbitId;
    const collectionId = this.ensureOrbit(orbitId);
    const bytes =
      typeof input.bytes === 'string' ? Buffer.from(input.bytes, 'utf8') : Buffer.from(input.bytes);
    const fileName = input.fileName ?? 'model.luml';
    const id = input.id ?? crypto.randomUUID();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const name = input.name === undefined ? fileName.replace(/\.[^.]*$/, '') : input.name;
    const created = this.now();
    const artifact: Artifact = {
      id,
      file_name: fileName,
      name,
      description: input.description ?? null,
      extra_values: {},
      file_hash: sha256,
      file_index: {},
      size: bytes.length,
      tags: input.tags === undefined ? null : input.tags,
      type: input.type ?? 'model',
      collection_id: collectionId,
      bucket_location: `orbits/${orbitId}/${id}/${objectName(fileName)}`,
      unique_identifier: `${name ?? 'artifact'}-${id.slice(-6)}`,
      status: input.status ?? 'uploaded',
      created_by_user: 'Ada Lovelace',
      created_at: created.toISOString(),
      updated_at: null,
      manifest: input.manifest === undefined ? defaultManifest(name) : input.manifest,
    };
    const stored: StoredArtifact = {
      artifact,
      orbitId,
      bytes,
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      sha256,
      lastModified: created.toUTCString(),
    };
    this.artifacts.set(id, stored);
    return stored;
  }

  /** Store an orbit secret (values are returned decrypted by the API). */
  createSecret(input: CreateSecretInput): OrbitSecret {
    const orbitId = input.orbitId ?? this.orbitId;
    this.ensureOrbit(orbitId);
    const secret: OrbitSecret = {
      id: input.id ?? crypto.randomUUID(),
      orbit_id: orbitId,
      name: input.name,
      value: input.value,
      tags: input.tags === undefined ? null : input.tags,
      created_at: this.timestamp(),
      updated_at: null,
    };
    this.secrets.set(secret.id, secret);
    return secret;
  }
}
