// docs/protocols/luml.md §3-§4 (worker endpoints), emulated in memory
import { createApiError } from '@uplink/core-schemas';
import type {
  Artifact,
  ArtifactWithUrl,
  Deployment,
  DeploymentStatus,
  DeploymentUpdate,
  OrbitSecret,
  Satellite,
  SatelliteTask,
  TaskStatus,
} from '@uplink/core-schemas/luml';
import type {
  CallOptions,
  PairOptions,
  SatellitePlatform,
  UpdateDeploymentOptions,
} from '@uplink/platform-client';
import {
  createArtifact,
  createDeployment,
  createSatellite,
  createSecret,
  createTask,
} from './factories.js';
import {
  checkDeploymentStatus,
  checkDeploymentUpdate,
  checkPair,
  checkTaskResult,
  checkTaskStatus,
} from './mock-argument-checks.js';
import { ScriptedPlatformMock } from './scripted-platform-mock.js';
import { sortByScheduledAt } from './task-order.js';

/** Initial state of a {@link MockPlatformClient}. */
export interface MockPlatformClientOptions {
  /** The satellite `pair` returns and updates. @default createSatellite() */
  satellite?: Satellite | undefined;
  /** Tasks the mock serves. @default [] */
  tasks?: SatelliteTask[] | undefined;
  /** Deployments the mock serves. @default [] */
  deployments?: Deployment[] | undefined;
  /** Artifacts the mock serves. @default [] */
  artifacts?: Artifact[] | undefined;
  /** Secrets the mock serves. @default [] */
  secrets?: OrbitSecret[] | undefined;
  /** User keys `authorizeInferenceAccess` accepts. @default [] */
  authorizedApiKeys?: string[] | undefined;
}

const notFound = (detail: string, method: string, path: string): Error =>
  createApiError(`${detail} (404 on ${method} ${path})`, {
    status: 404,
    body: { detail },
    method,
    url: `mock://platform${path}`,
  });

/** As client and platform together do: trailing `/` stripped, then a bare host gains one. */
const normalizeBaseUrl = (baseUrl: string): string =>
  new URL(baseUrl.trim().replace(/\/+$/, '')).href;

/**
 * An in-memory {@link SatellitePlatform} for unit tests of satellite handlers. By default it
 * behaves like the platform (tasks in `scheduled_at` order, timestamps on transitions,
 * `ConflictError` on DELETE outside `deletion_pending`, `NotFoundError` for unknown ids);
 * any method can be scripted with {@link respond}/{@link respondOnce}. Every call is recorded.
 * Arguments that `PlatformClient` refuses before sending (an empty capability map, a bare-host
 * base URL, `completed`, a deployment update without `status`) are refused here too, with the
 * same `ConfigurationError`, even when an answer is scripted.
 */
export class MockPlatformClient
  extends ScriptedPlatformMock
  implements SatellitePlatform, AsyncDisposable
{
  /** The satellite (updated by `pair`). */
  satellite: Satellite;
  /** Tasks by id (live; inspect or edit). */
  readonly tasks = new Map<string, SatelliteTask>();
  /** Deployments by id (live). */
  readonly deployments = new Map<string, Deployment>();
  /** Artifacts by id. */
  readonly artifacts = new Map<string, Artifact>();
  /** Secrets by id. */
  readonly secrets = new Map<string, OrbitSecret>();
  /** User keys that `authorizeInferenceAccess` accepts. */
  readonly authorizedApiKeys: Set<string>;
  /** Whether `close()` was called. */
  closed = false;

  constructor(options: MockPlatformClientOptions = {}) {
    super();
    this.satellite = options.satellite ?? createSatellite();
    for (const t of options.tasks ?? []) this.tasks.set(t.id, t);
    for (const d of options.deployments ?? []) this.deployments.set(d.id, d);
    for (const a of options.artifacts ?? []) this.artifacts.set(a.id, a);
    for (const s of options.secrets ?? []) this.secrets.set(s.id, s);
    this.authorizedApiKeys = new Set(options.authorizedApiKeys ?? []);
  }

  // ---- setup helpers -------------------------------------------------------------------

  /** Add a task (built by {@link createTask} with these overrides) and return it. */
  addTask(overrides: Partial<SatelliteTask> = {}): SatelliteTask {
    const task = createTask({
      satellite_id: this.satellite.id,
      orbit_id: this.satellite.orbit_id,
      ...overrides,
    });
    this.tasks.set(task.id, task);
    return task;
  }

  /** Add a deployment (built by {@link createDeployment}) and return it. */
  addDeployment(overrides: Partial<Deployment> = {}): Deployment {
    const deployment = createDeployment({
      satellite_id: this.satellite.id,
      orbit_id: this.satellite.orbit_id,
      ...overrides,
    });
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  /** Add an artifact (built by {@link createArtifact}) and return it. */
  addArtifact(overrides: Partial<Artifact> = {}): Artifact {
    const artifact = createArtifact(overrides);
    this.artifacts.set(artifact.id, artifact);
    return artifact;
  }

  /** Add a secret (built by {@link createSecret}) and return it. */
  addSecret(overrides: Partial<OrbitSecret> = {}): OrbitSecret {
    const secret = createSecret({ orbit_id: this.satellite.orbit_id, ...overrides });
    this.secrets.set(secret.id, secret);
    return secret;
  }

  /** Throw unless the task's current status is `status`. */
  expectTaskStatus(taskId: string, status: TaskStatus): void {
    const task = this.tasks.get(taskId);
    const actual =
      task?.status ??
      this.calls('updateTaskStatus')
        .filter((args) => args[0] === taskId)
        .at(-1)?.[1];
    if (actual !== status) {
      const history = this.calls('updateTaskStatus')
        .filter((args) => args[0] === taskId)
        .map((args) => args[1]);
      throw new Error(
        `Expected task ${taskId} to be '${status}', but it is ${actual === undefined ? 'unknown' : `'${actual}'`} (status updates: ${history.length ? history.join(' -> ') : 'none'})`,
      );
    }
  }

  /** Throw unless the deployment's current status is `status`. */
  expectDeploymentStatus(deploymentId: string, status: DeploymentStatus): void {
    const actual = this.deployments.get(deploymentId)?.status;
    if (actual !== status)
      throw new Error(
        `Expected deployment ${deploymentId} to be '${status}', but it is ${actual === undefined ? 'absent' : `'${actual}'`}`,
      );
  }

  // ---- SatellitePlatform ----------------------------------------------------------------

  private task(id: string, method: string): SatelliteTask {
    const task = this.tasks.get(id);
    if (!task) throw notFound('Task not found', method, `/satellites/v1/tasks/${id}/status`);
    return task;
  }

  private deployment(id: string, method: string): Deployment {
    const deployment = this.deployments.get(id);
    if (!deployment)
      throw notFound('Deployment not found', method, `/satellites/v1/deployments/${id}`);
    return deployment;
  }

  private artifact(id: string): Artifact {
    const artifact = this.artifacts.get(id);
    if (!artifact) throw notFound('Artifact not found', 'GET', `/satellites/v1/artifacts/${id}`);
    return artifact;
  }

  private downloadUrl(artifact: Artifact): string {
    return `https://storage.invalid/luml-artifacts/${artifact.bucket_location}?X-Amz-Expires=43200`;
  }

  /** @inheritdoc */
  pair(options: PairOptions): Promise<Satellite> {
    return this.run(
      'pair',
      [options],
      options,
      () => {
        const at = new Date().toISOString();
        this.satellite = {
          ...this.satellite,
          paired: true,
          base_url: normalizeBaseUrl(options.baseUrl),
          capabilities: Object.fromEntries(
            Object.entries(options.capabilities).filter(([, value]) => value !== undefined),
          ) as Satellite['capabilities'],
          slug: options.slug ?? null,
          updated_at: at,
          last_seen_at: at,
          status: 'active',
        };
        return { ...this.satellite };
      },
      () => checkPair(options),
    );
  }

  /** @inheritdoc */
  listTasks(
    query: { status?: TaskStatus | undefined } & CallOptions = {},
  ): Promise<SatelliteTask[]> {
    return this.run(
      'listTasks',
      [query],
      query,
      () =>
        sortByScheduledAt(
          [...this.tasks.values()].filter(
            (t) => query?.status === undefined || t.status === query?.status,
          ),
        )
          // Copies, as a real answer is: editing one does not change the mock's state.
          .map((t) => ({ ...t })),
      () => {
        if (query?.status !== undefined) checkTaskStatus(query?.status);
      },
    );
  }

  /** @inheritdoc */
  updateTaskStatus(
    taskId: string,
    status: TaskStatus,
    result?: Record<string, unknown> | null,
    options?: CallOptions,
  ): Promise<SatelliteTask> {
    return this.run(
      'updateTaskStatus',
      [taskId, status, result, options],
      options,
      () => {
        const task = this.task(taskId, 'POST');
        const at = new Date().toISOString();
        task.status = status;
        if (result !== null && result !== undefined) task.result = result;
        if (status === 'running') task.started_at = at;
        if (status === 'done' || status === 'failed') task.finished_at = at;
        task.updated_at = at;
        return { ...task };
      },
      () => {
        checkTaskStatus(status);
        checkTaskResult(result);
      },
    );
  }

  /** @inheritdoc */
  listDeployments(options?: CallOptions): Promise<Deployment[]> {
    return this.run('listDeployments', [options], options, () =>
      [...this.deployments.values()].map((d) => ({ ...d })),
    );
  }

  /** @inheritdoc */
  getDeployment(id: string, options?: CallOptions): Promise<Deployment> {
    return this.run('getDeployment', [id, options], options, () => ({
      ...this.deployment(id, 'GET'),
    }));
  }

  /** @inheritdoc Like the real client: merges by default; `merge: false` nulls omitted fields as the wire does. */
  updateDeployment(
    id: string,
    update: DeploymentUpdate,
    options?: UpdateDeploymentOptions,
  ): Promise<Deployment> {
    return this.run(
      'updateDeployment',
      [id, update, options],
      options,
      () => {
        const deployment = this.deployment(id, 'PATCH');
        const merge = options?.merge ?? true;
        for (const key of ['inference_url', 'tags', 'schemas', 'error_message'] as const) {
          // An undefined field counts as not named, as in PlatformClient (JSON drops it).
          if (update[key] !== undefined) (deployment as Record<string, unknown>)[key] = update[key];
          else if (!merge) (deployment as Record<string, unknown>)[key] = null;
        }
        deployment.status = update.status;
        deployment.updated_at = new Date().toISOString();
        return { ...deployment };
      },
      () => checkDeploymentUpdate(update),
    );
  }

  /** @inheritdoc */
  updateDeploymentStatus(
    id: string,
    status: DeploymentStatus,
    options?: CallOptions,
  ): Promise<Deployment> {
    return this.run(
      'updateDeploymentStatus',
      [id, status, options],
      options,
      () => {
        const deployment = this.deployment(id, 'PATCH');
        deployment.status = status;
        deployment.updated_at = new Date().toISOString();
        return { ...deployment };
      },
      () => checkDeploymentStatus(status),
    );
  }

  /** @inheritdoc */
  deleteDeployment(id: string, options?: CallOptions): Promise<void> {
    return this.run('deleteDeployment', [id, options], options, () => {
      const deployment = this.deployment(id, 'DELETE');
      if (deployment.status !== 'deletion_pending') {
        const detail = 'Incorrect deployment status. Request deployment deletion first.';
        throw createApiError(`${detail} (409 on DELETE /satellites/v1/deployments/${id})`, {
          status: 409,
          body: { detail },
          method: 'DELETE',
          url: `mock://platform/satellites/v1/deployments/${id}`,
        });
      }
      this.deployments.delete(id);
    });
  }

  /** @inheritdoc */
  getArtifact(id: string, options?: CallOptions): Promise<ArtifactWithUrl> {
    return this.run('getArtifact', [id, options], options, () => {
      const artifact = this.artifact(id);
      return { artifact, url: this.downloadUrl(artifact) };
    });
  }

  /** @inheritdoc */
  getArtifactDownloadUrl(id: string, options?: CallOptions): Promise<string> {
    return this.run('getArtifactDownloadUrl', [id, options], options, () =>
      this.downloadUrl(this.artifact(id)),
    );
  }

  /** @inheritdoc */
  listSecrets(options?: CallOptions): Promise<OrbitSecret[]> {
    return this.run('listSecrets', [options], options, () => [...this.secrets.values()]);
  }

  /** @inheritdoc */
  getSecret(id: string, options?: CallOptions): Promise<OrbitSecret> {
    return this.run('getSecret', [id, options], options, () => {
      const secret = this.secrets.get(id);
      if (!secret) throw notFound('Orbit secret not found', 'GET', `/satellites/v1/secrets/${id}`);
      return secret;
    });
  }

  /** @inheritdoc */
  getSecretByName(name: string, options?: CallOptions): Promise<OrbitSecret> {
    return this.run('getSecretByName', [name, options], options, () => {
      const secret = [...this.secrets.values()].find((s) => s.name === name);
      if (!secret)
        throw notFound(`Orbit secret named '${name}' not found`, 'GET', '/satellites/v1/secrets');
      return secret;
    });
  }

  /** @inheritdoc */
  authorizeInferenceAccess(apiKey: string, options?: CallOptions): Promise<boolean> {
    return this.run('authorizeInferenceAccess', [apiKey, options], options, () =>
      this.authorizedApiKeys.has(apiKey),
    );
  }

  /** Mark the mock closed: later calls reject with `AbortError`, as the real client's do. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
  }

  protected isClosed(): boolean {
    return this.closed;
  }

  /** Same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
