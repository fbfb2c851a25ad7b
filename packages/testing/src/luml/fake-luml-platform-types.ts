// docs/protocols/luml.md §20 (fake platform server): options and the object a test drives
import type {
  Artifact,
  Deployment,
  OrbitSecret,
  Satellite,
  SatelliteTask,
} from '@uplink/core-schemas/luml';
import type { FaultInjector, FaultInjectorOptions } from '../fault-injection.js';
import type { LumlQuirks } from './route-support.js';
import type { RecordedRequest } from './router.js';
import type {
  CreateDeploymentInput,
  CreateSecretInput,
  EnqueueTaskInput,
  UploadArtifactInput,
} from './state-types.js';

/** Options of `startFakeLumlPlatform`. */
export interface FakeLumlPlatformOptions {
  /**
   * Organization id used in user routes.
   * @default a random UUID
   */
  organizationId?: string | undefined;
  /**
   * The default orbit (satellites, artifacts and secrets land here unless told otherwise).
   * @default a random UUID
   */
  orbitId?: string | undefined;
  /**
   * User credentials (`dfs_` keys or JWTs) that may use the user routes and that
   * `inference-access` authorizes. One is generated when none is given (`platform.userApiKey`).
   * @default [a fresh dfs_ key]
   */
  userApiKeys?: string[] | undefined;
  /**
   * Validity of presigned artifact URLs, in seconds (`X-Amz-Expires`).
   * @default 43200 (12 hours, as the real platform)
   */
  artifactUrlExpiresSeconds?: number | undefined;
  /**
   * Clock for timestamps, `last_seen_at`-derived status and URL expiry; tests move it to
   * expire URLs without waiting.
   * @default () => new Date()
   */
  now?: (() => Date) | undefined;
  /** Quirks to turn off (all on by default, as upstream). */
  quirks?: LumlQuirks | undefined;
  /**
   * Seeded fault injection. User routes (`/v1/...`) are exempt unless `exempt` says otherwise,
   * so test setup is never faulted; satellite routes and artifact downloads are not.
   */
  faults?: FaultInjectorOptions | undefined;
  /**
   * Host to bind.
   * @default '127.0.0.1'
   */
  host?: string | undefined;
}

/** Input of {@link FakeLumlPlatform.createSatellite}. */
export interface CreateSatelliteInput {
  /** @default null */
  name?: string | null | undefined;
  /** @default null */
  description?: string | null | undefined;
  /** @default the fake's orbit */
  orbitId?: string | undefined;
  /** @default a random UUID */
  id?: string | undefined;
  /** The `dfssat_` key to accept. @default a fresh key */
  token?: string | undefined;
}

/** Input of {@link FakeLumlPlatform.createDeployment}. */
export type FakeDeploymentInput = CreateDeploymentInput;

/** A running fake LUML platform. */
export interface FakeLumlPlatform extends AsyncDisposable {
  /** Base URL (`http://127.0.0.1:<port>`); use it as the `baseUrl` of a `PlatformClient` (or `LUML_BASE_URL`). */
  readonly url: string;
  /** Organization id of the user routes. */
  readonly organizationId: string;
  /** Default orbit id. */
  readonly orbitId: string;
  /** A user `dfs_` key that user routes and `inference-access` accept. */
  readonly userApiKey: string;
  /** Every task, in `scheduled_at` order (live objects). */
  readonly tasks: SatelliteTask[];
  /** Every deployment (live objects). */
  readonly deployments: Deployment[];
  /** Every satellite, with derived status (snapshots). */
  readonly satellites: Satellite[];
  /** Every artifact record (live objects). */
  readonly artifacts: Artifact[];
  /** Every secret (live objects). */
  readonly secrets: OrbitSecret[];
  /** Requests per route key (`"GET /satellites/v1/tasks"`), faulted ones included. */
  readonly calls: Record<string, number>;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The fault injector (reconfigure at runtime; read `stats`). */
  readonly faults: FaultInjector;
  /** Create an unpaired satellite; `token` is its `dfssat_` key. */
  createSatellite(input?: CreateSatelliteInput): { satellite: Satellite; token: string };
  /** The current state of one satellite (derived status included). */
  getSatellite(id: string): Satellite | undefined;
  /** Revoke a satellite's keys and issue a new one. */
  rotateSatelliteKey(satelliteId: string): string;
  /** Create a deployment without queuing its `deploy` task (test setup). */
  createDeployment(input: FakeDeploymentInput & { enqueueTask: false }): {
    deployment: Deployment;
    task: undefined;
  };
  /** Create a deployment (`pending`) and queue its `deploy` task, as the user route does. */
  createDeployment(input: FakeDeploymentInput): { deployment: Deployment; task: SatelliteTask };
  /** Request deletion: `deletion_pending` plus an `undeploy` task (409 detail if repeated). */
  requestDeploymentDeletion(deploymentId: string): SatelliteTask;
  /** Queue any task directly (test hook; the platform itself only creates deploy/undeploy). */
  enqueueTask(input: EnqueueTaskInput): SatelliteTask;
  /** Store artifact bytes; downloads are served by this server with Range/ETag/expiry. */
  uploadArtifact(input: UploadArtifactInput): Artifact;
  /** A fresh presigned download URL for an artifact (what `download-url` returns). */
  artifactDownloadUrl(artifactId: string): string;
  /**
   * Make the bucket unable to mint URLs: `download-url` and `artifacts/{id}` then answer 400
   * `{"detail": "Failed to generate download URL: <reason>"}` (§4.10) until this is
   * called with `undefined`.
   */
  failArtifactUrls(reason: string | undefined): void;
  /** Create an orbit secret. */
  createSecret(input: CreateSecretInput): OrbitSecret;
  /** Add a user credential; `authorized` says whether `inference-access` accepts it. */
  addUserApiKey(input?: { key?: string; authorized?: boolean }): string;
  /** Remove a user credential (then `inference-access` answers `authorized: false`). */
  revokeUserApiKey(key: string): void;
  /** Stop the server. Idempotent. */
  close(): Promise<void>;
}
