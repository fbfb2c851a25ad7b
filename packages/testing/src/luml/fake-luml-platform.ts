// docs/protocols/luml.md §20 (fake platform server checklist)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultInjector, type FaultInjector } from '../fault-injection.js';
import { startServer } from '../start-server.js';
import {
  BUCKET,
  DEFAULT_URL_EXPIRES_SECONDS,
  Presigner,
  serveArtifactObject,
} from './artifact-storage.js';
import { generateUserKey } from './credentials.js';
import type {
  FakeDeploymentInput,
  FakeLumlPlatform,
  FakeLumlPlatformOptions,
} from './fake-luml-platform-types.js';
import { sendDetail } from './http-io.js';
import { LumlState } from './platform-state.js';
import type { FakeContext } from './route-support.js';
import { createRouter, jsonReader, type RecordedRequest, type Route } from './router.js';
import { satelliteRoutes } from './satellite-routes.js';
import { userRoutes } from './user-routes.js';

export type {
  CreateSatelliteInput,
  FakeDeploymentInput,
  FakeLumlPlatform,
  FakeLumlPlatformOptions,
} from './fake-luml-platform-types.js';

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
    streamEventFault: (method, path) => inner.streamEventFault(method, path),
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
    // A response cut mid-body (the `truncate` fault) never finishes, but its status line was
    // sent and the request was handled: record it, so tests can count what the platform applied.
    res.on('close', () => {
      if (record.status === undefined && res.headersSent) record.status = res.statusCode;
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
    failArtifactUrls: (reason) => {
      fake.storageFailure = reason;
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
