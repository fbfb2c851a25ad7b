// luml-satellite-protocol §20 (fake platform server checklist)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  Artifact,
  Deployment,
  OrbitSecret,
  Satellite,
  SatelliteTask,
} from '@uplink/core-schemas/luml';
import {
  createFaultInjector,
  type FaultInjector,
  type FaultInjectorOptions,
} from '../fault-injection.js';
import { startServer } from '../start-server.js';
import {
  BUCKET,
  DEFAULT_URL_EXPIRES_SECONDS,
  Presigner,
  serveArtifactObject,
} from './artifact-storage.js';
import { generateUserKey } from './credentials.js';
import { sendDetail } from './http-io.js';
import { LumlState } from './platform-state.js';
import type { FakeContext, LumlQuirks } from './route-support.js';
import { createRouter, jsonReader, type RecordedRequest, type Route } from './router.js';
import { satelliteRoutes } from './satellite-routes.js';
import type {
  CreateDeploymentInput,
  CreateSecretInput,
  EnqueueTaskInput,
  UploadArtifactInput,
} from './state-types.js';
import { userRoutes } from './user-routes.js';

/** Options of {@link startFakeLumlPlatform}. */
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
  name?: string | null;
  description?: string | null;
  /** @default the fake's orbit */
  orbitId?: string;
  /** @default a random UUID */
  id?: string;
  /** The `dfssat_` key to accept. @default a fresh key */
  token?: string;
}

/** Input of {@link FakeLumlPlatform.createDeployment}. */
export type FakeDeploymentInput = CreateDeploymentInput;

/** A running fake LUML platform. */
export interface FakeLumlPlatform extends AsyncDisposable {
  /** Base URL (`http://127.0.0.1:<port>`); use it as `platformUrl`. */
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
  /** Create an orbit secret. */
  createSecret(input: CreateSecretInput): OrbitSecret;
  /** Add a user credential; `authorized` says whether `inference-access` accepts it. */
  addUserApiKey(input?: { key?: string; authorized?: boolean }): string;
  /** Remove a user credential (then `inference-access` answers `authorized: false`). */
  revokeUserApiKey(key: string): void;
  /** Stop the server. Idempotent. */
  close(): Promise<void>;
}

const defaultExempt = (_method: string, path: string): boolean => path.startsWith('/v1/');

/** Start a fake LUML platform on loopback: real HTTP, real semantics, quirks included. */
export async function startFakeLumlPlatform(
  options: FakeLumlPlatformOptions = {},
): Promise<FakeLumlPlatform> {
  const now = options.now ?? (() => new Date());
  const state = new LumlState(
    options.organizationId ?? crypto.randomUUID(),
    options.orbitId ?? crypto.randomUUID(),
    now,
  );
  const userKeys = options.userApiKeys?.length ? options.userApiKeys : [generateUserKey()];
  for (const key of userKeys) state.userKeys.set(key, { authorized: true });
  const presigner = new Presigner(
    now,
    options.artifactUrlExpiresSeconds ?? DEFAULT_URL_EXPIRES_SECONDS,
  );

  const inner = createFaultInjector({
    ...options.faults,
    exempt: options.faults?.exempt ?? defaultExempt,
  });
  const faults: FaultInjector = {
    intercept: (req, res) => inner.intercept(req, res),
    // Keep user routes exempt across runtime reconfiguration too.
    configure: (next) => inner.configure({ ...next, exempt: next.exempt ?? defaultExempt }),
    get stats() {
      return inner.stats;
    },
  };

  let origin = '';
  const fake: FakeContext = {
    state,
    presigner,
    origin: () => origin,
    quirks: {
      patchNullsOmittedFields: options.quirks?.patchNullsOmittedFields ?? true,
      patchWithoutStatusFails: options.quirks?.patchWithoutStatusFails ?? true,
    },
  };
  const storage = (method: string): Route => ({
    method,
    pattern: `/${BUCKET}/{key:path}`,
    handler: (ctx) =>
      serveArtifactObject(
        state,
        presigner,
        method,
        ctx.url.pathname,
        ctx.url.searchParams,
        ctx.req.headers,
        ctx.res,
      ),
  });
  const match = createRouter([
    ...satelliteRoutes(fake),
    ...userRoutes(fake),
    storage('GET'),
    storage('HEAD'),
  ]);

  const calls: Record<string, number> = {};
  const requests: RecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const found = match(method, url.pathname);
    const key = found.kind === 'found' ? found.route.key : found.key;
    calls[key] = (calls[key] ?? 0) + 1;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      route: key,
      query: Object.fromEntries(url.searchParams),
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    if (await faults.intercept(req, res)) return;
    // Routing comes before auth, as in FastAPI: unknown paths are 404 even without a token.
    if (found.kind === 'not-found') {
      // Starlette's redirect_slashes: `/satellites/v1/tasks/` answers 307 to the slash-less path.
      const trimmed = url.pathname.replace(/\/+$/, '');
      if (
        trimmed !== url.pathname &&
        trimmed !== '' &&
        match(method, trimmed).kind !== 'not-found'
      ) {
        res.writeHead(307, { location: `${trimmed}${url.search}`, 'content-length': '0' });
        res.end();
        return;
      }
      return sendDetail(res, 404, 'Not Found');
    }
    if (found.kind === 'method-not-allowed') return sendDetail(res, 405, 'Method Not Allowed');
    await found.route.handler({
      req,
      res,
      url,
      params: found.params,
      record,
      readJson: jsonReader(req, record),
    });
  };

  const server = await startServer(handle, { host: options.host ?? '127.0.0.1' });
  origin = server.url;

  const platform: FakeLumlPlatform = {
    url: server.url,
    organizationId: state.organizationId,
    orbitId: state.orbitId,
    userApiKey: userKeys[0] as string,
    get tasks() {
      return state.sortedTasks();
    },
    get deployments() {
      return [...state.deployments.values()];
    },
    get satellites() {
      return [...state.satellites.values()].map((s) => state.satelliteView(s));
    },
    get artifacts() {
      return [...state.artifacts.values()].map((a) => a.artifact);
    },
    get secrets() {
      return [...state.secrets.values()];
    },
    calls,
    requests,
    faults,
    createSatellite: (input = {}) => state.createSatellite(input),
    getSatellite: (id) => {
      const record = state.satellites.get(id);
      return record ? state.satelliteView(record) : undefined;
    },
    rotateSatelliteKey: (id) => state.rotateSatelliteKey(id),
    createDeployment: ((input: FakeDeploymentInput) =>
      state.createDeployment(input)) as FakeLumlPlatform['createDeployment'],
    requestDeploymentDeletion: (id) => state.requestDeploymentDeletion(id),
    enqueueTask: (input) => state.enqueueTask(input),
    uploadArtifact: (input) => state.addArtifact(input).artifact,
    artifactDownloadUrl: (id) => {
      const stored = state.artifacts.get(id);
      if (!stored) throw new Error(`fake LUML platform: no artifact ${id}`);
      return presigner.presign(origin, stored);
    },
    createSecret: (input) => state.createSecret(input),
    addUserApiKey: (input = {}) => {
      const key = input.key ?? generateUserKey();
      state.userKeys.set(key, { authorized: input.authorized ?? true });
      return key;
    },
    revokeUserApiKey: (key) => {
      state.userKeys.delete(key);
    },
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
  return platform;
}
