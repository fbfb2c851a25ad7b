// docs/protocols/luml.md §3 (worker endpoints): the surface a satellite runtime depends on
import type {
  ArtifactWithUrl,
  Capabilities,
  Deployment,
  DeploymentStatus,
  DeploymentUpdate,
  OrbitSecret,
  Satellite,
  SatelliteTask,
  TaskStatus,
} from '@uplink/core-schemas/luml';
import type { RejectedTaskRow } from './task-list.js';

/** Options every platform call accepts. */
export interface CallOptions {
  /** Abort the call (and any retry wait). */
  signal?: AbortSignal | undefined;
  /**
   * `false` sends the call once, without the client's retries: for a caller that retries on
   * its own schedule (the Worker does, and logs each attempt with the wait before the next).
   * @default the client's retry policy
   */
  retry?: false | undefined;
}

/** Arguments of {@link SatellitePlatform.pair}. */
export interface PairOptions extends CallOptions {
  /** The satellite's public URL, sent as `base_url` (a trailing `/` is stripped, as the reference agent does). */
  baseUrl: string;
  /** Capability map; keys must be `deploy` and/or `monitoring`, and it must not be empty. */
  capabilities: Capabilities;
  /**
   * Satellite slug shown in the UI.
   * @default undefined (not sent)
   */
  slug?: string | null | undefined;
}

/** Options of {@link SatellitePlatform.updateDeployment}. */
export interface UpdateDeploymentOptions extends CallOptions {
  /**
   * Read the current deployment first and resend every field the update does not name
   * (`inference_url`, `schemas`, `error_message`, `tags`), because the wire PATCH nulls
   * omitted fields. `false` sends the update as the raw body.
   * @default true
   */
  merge?: boolean | undefined;
}

/**
 * What a satellite runtime needs from the LUML platform. Implemented by `PlatformClient`
 * (real HTTP) and by `MockPlatformClient` in `@uplink/testing` (in memory).
 */
export interface SatellitePlatform {
  /** `POST /satellites/v1/pair`: register base URL, capabilities and slug. Idempotent. */
  pair(options: PairOptions): Promise<Satellite>;
  /**
   * `GET /satellites/v1/tasks[?status=]`: this satellite's tasks, ordered by `scheduled_at`.
   * An implementation that validates rows one by one (as `PlatformClient` does) also returns
   * the rows it set aside as `rejected`; one that has none may leave it out.
   */
  listTasks(
    query?: { status?: TaskStatus | undefined } & CallOptions,
  ): Promise<SatelliteTask[] & { readonly rejected?: readonly RejectedTaskRow[] | undefined }>;
  /** `POST /satellites/v1/tasks/{id}/status`. A null/absent `result` leaves the stored one. */
  updateTaskStatus(
    taskId: string,
    status: TaskStatus,
    result?: Record<string, unknown> | null,
    options?: CallOptions,
  ): Promise<SatelliteTask>;
  /** `GET /satellites/v1/deployments`: every deployment of this satellite. */
  listDeployments(options?: CallOptions): Promise<Deployment[]>;
  /** `GET /satellites/v1/deployments/{id}`. */
  getDeployment(id: string, options?: CallOptions): Promise<Deployment>;
  /** `PATCH /satellites/v1/deployments/{id}`, merged with the current state by default. */
  updateDeployment(
    id: string,
    update: DeploymentUpdate,
    options?: UpdateDeploymentOptions,
  ): Promise<Deployment>;
  /** `PATCH /satellites/v1/deployments/{id}/status`: status only, other fields untouched. */
  updateDeploymentStatus(
    id: string,
    status: DeploymentStatus,
    options?: CallOptions,
  ): Promise<Deployment>;
  /** `DELETE /satellites/v1/deployments/{id}` (204). Only allowed in `deletion_pending` (else `ConflictError`). */
  deleteDeployment(id: string, options?: CallOptions): Promise<void>;
  /** `GET /satellites/v1/artifacts/{id}`: `{artifact, url}`. */
  getArtifact(id: string, options?: CallOptions): Promise<ArtifactWithUrl>;
  /** `GET /satellites/v1/artifacts/{id}/download-url`: a presigned URL valid 12 hours. */
  getArtifactDownloadUrl(id: string, options?: CallOptions): Promise<string>;
  /** `GET /satellites/v1/secrets`: the orbit's secrets, values decrypted. */
  listSecrets(options?: CallOptions): Promise<OrbitSecret[]>;
  /** `GET /satellites/v1/secrets/{id}`. */
  getSecret(id: string, options?: CallOptions): Promise<OrbitSecret>;
  /** Find a secret by name among {@link listSecrets}; `NotFoundError` when absent. */
  getSecretByName(name: string, options?: CallOptions): Promise<OrbitSecret>;
  /** `POST /satellites/v1/deployments/inference-access`: may this user `dfs_` key call our deployments? */
  authorizeInferenceAccess(apiKey: string, options?: CallOptions): Promise<boolean>;
  /** Release resources (caches). Idempotent. */
  close(): Promise<void>;
}
