// docs/protocols/luml.md §5 (models) and §17: the fake's stored rows and setup inputs
import type { Artifact, DeploymentStatus, TaskStatus } from '@uplink/core-schemas/luml';

/** A platform-side failure with the status and `detail` the real server answers. */
export class PlatformError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status} ${detail}`);
    this.name = 'PlatformError';
  }
}

/** A satellite row; `status` is derived on every read (§2). */
export interface SatelliteRecord {
  id: string;
  orbit_id: string;
  name: string | null;
  description: string | null;
  base_url: string | null;
  paired: boolean;
  capabilities: Record<string, Record<string, unknown> | null>;
  slug: string | null;
  created_at: string;
  updated_at: string | null;
  last_seen_at: string | null;
}

/** An uploaded artifact with its bytes and the digests the download route serves. */
export interface StoredArtifact {
  artifact: Artifact;
  orbitId: string;
  bytes: Buffer;
  /** Quoted strong ETag (MD5 hex, as S3 does for single-part uploads). */
  etag: string;
  /** SHA-256 hex of the bytes (also the artifact's `file_hash`). */
  sha256: string;
  /** HTTP date of the upload, for `Last-Modified`. */
  lastModified: string;
}

/** Input of `LumlState.createDeployment` (our camelCase API). */
export interface CreateDeploymentInput {
  /** @default a random UUID */
  id?: string | undefined;
  /** The satellite that will receive the `deploy` task. */
  satelliteId: string;
  /** An artifact of the satellite's orbit (`uploadArtifact`). */
  artifactId: string;
  /** Deployment name (≤ 100 chars on the real platform). */
  name: string;
  /** @default null */
  description?: string | null | undefined;
  /** Form-spec answers (`satellite_parameters`). @default {} */
  satelliteParameters?: Record<string, boolean | number | string> | undefined;
  /** Plain env values (`env_variables`). @default {} */
  envVariables?: Record<string, string> | undefined;
  /** Env name -> orbit secret id (`env_variables_secrets`). @default {} */
  envVariablesSecrets?: Record<string, string> | undefined;
  /** Attribute name -> orbit secret id (`dynamic_attributes_secrets`). @default {} */
  dynamicAttributesSecrets?: Record<string, string> | undefined;
  /** @default null */
  tags?: string[] | null | undefined;
  /** Who created it (`created_by_user`). @default 'Ada Lovelace' */
  createdByUser?: string | null | undefined;
  /** Start in another status (test setup), e.g. `active`. @default 'pending' */
  status?: DeploymentStatus | undefined;
  /** Preset `inference_url` (test setup). @default null */
  inferenceUrl?: string | null | undefined;
  /** Preset `schemas` (test setup). @default null */
  schemas?: Record<string, unknown> | null | undefined;
  /** Queue the `deploy` task, as the platform does. @default true */
  enqueueTask?: boolean | undefined;
}

/** Input of `LumlState.enqueueTask`. */
export interface EnqueueTaskInput {
  /** @default a random UUID */
  id?: string | undefined;
  /** The satellite whose queue receives the task. */
  satelliteId: string;
  /** Any string: the platform creates `deploy`/`undeploy`, tests may try others. */
  type: string;
  /** @default {} */
  payload?: Record<string, unknown> | undefined;
  /** @default 'pending' */
  status?: TaskStatus | undefined;
  /** ISO timestamp; tasks are listed in `scheduled_at` order. @default now */
  scheduledAt?: string | undefined;
}

/** Input of `LumlState.addArtifact`. */
export interface UploadArtifactInput {
  /** @default a random UUID */
  id?: string | undefined;
  /** File content (a string is UTF-8 encoded). */
  bytes: Uint8Array | string;
  /** @default 'model.luml' */
  fileName?: string | undefined;
  /** @default the file name without extension */
  name?: string | null | undefined;
  /** @default null */
  description?: string | null | undefined;
  /** @default null */
  tags?: string[] | null | undefined;
  /**
   * The artifact's manifest. Non-null on the real platform, so a minimal legacy `pyfunc`
   * manifest is filled in when absent; pass `null` to test a reader's tolerance.
   * @default { variant: 'pyfunc', producer_name: 'uplink-fake', ... }
   */
  manifest?: Record<string, unknown> | null | undefined;
  /** @default 'model' */
  type?: string | undefined;
  /** Not checked when minting URLs (§18.10). @default 'uploaded' */
  status?: string | undefined;
  /** Orbit the artifact's collection belongs to. @default the fake's orbit */
  orbitId?: string | undefined;
}

/** Input of `LumlState.createSecret`. */
export interface CreateSecretInput {
  /** @default a random UUID */
  id?: string | undefined;
  /** Secret name, e.g. `OPENAI_API_KEY` (what `getSecretByName` looks for). */
  name: string;
  /** Plaintext value; the API returns it decrypted. */
  value: string;
  /** @default null */
  tags?: string[] | null | undefined;
  /** @default the fake's orbit */
  orbitId?: string | undefined;
}
