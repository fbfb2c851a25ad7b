import type { Capabilities } from '@uplink/core-schemas/luml';
import { describe, expect, it } from 'vitest';
import { PlatformClient } from '../src/index.js';
import { ART, DEP, fixture, SECRET, TASK, TOKEN, USER_KEY } from './fixtures.js';
import { startRecordingServer } from './recording-server.js';

// Every worker method against the wire fixtures: the request must be byte-for-byte the
// fixture's (method, path, body, bearer token) and the answer must come back typed.
type Call = (client: PlatformClient, body: unknown) => Promise<unknown>;

const cases: [string, Call, (data: unknown) => unknown][] = [
  [
    'pair',
    (c, body) => {
      const b = body as { base_url: string; capabilities: Capabilities; slug: string };
      return c.pair({ baseUrl: `${b.base_url}/`, capabilities: b.capabilities, slug: b.slug });
    },
    (data) => data,
  ],
  ['list-tasks-pending', (c) => c.listTasks({ status: 'pending' }), (data) => data],
  ['task-status-running', (c) => c.updateTaskStatus(TASK, 'running'), (data) => data],
  [
    'task-status-done-deploy',
    (c) => c.updateTaskStatus(TASK, 'done', { inference_url: `/deployments/${DEP}` }),
    (data) => data,
  ],
  ['list-deployments', (c) => c.listDeployments(), (data) => data],
  ['get-deployment', (c) => c.getDeployment(DEP), (data) => data],
  [
    'patch-deployment-full',
    (c, body) => c.updateDeployment(DEP, body as never, { merge: false }),
    (data) => data,
  ],
  [
    'patch-deployment-active',
    (c, body) => c.updateDeployment(DEP, body as never, { merge: false }),
    (data) => data,
  ],
  ['patch-deployment-status', (c) => c.updateDeploymentStatus(DEP, 'not_responding'), (d) => d],
  ['delete-deployment', (c) => c.deleteDeployment(DEP), () => undefined],
  ['inference-access', (c) => c.authorizeInferenceAccess(USER_KEY), () => true],
  ['inference-access-denied', (c) => c.authorizeInferenceAccess(USER_KEY), () => false],
  [
    'artifact-download-url',
    (c) => c.getArtifactDownloadUrl(ART),
    (data) => (data as { url: string }).url,
  ],
  ['get-artifact', (c) => c.getArtifact(ART), (data) => data],
  ['get-secret', (c) => c.getSecret(SECRET), (data) => data],
  ['list-secrets', (c) => c.listSecrets(), (data) => data],
];

describe('PlatformClient against the wire fixtures', () => {
  it.each(cases)('%s', async (name, call, expected) => {
    const f = fixture(name);
    const server = await startRecordingServer(() => ({
      status: f.response.status,
      body: f.response.body ?? undefined,
    }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const result = await call(client, f.request.body);
    expect(result).toEqual(expected(f.response.body));
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe(f.request.method);
    expect(request?.path).toBe(f.request.path);
    expect(request?.body).toEqual(f.request.body);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    if (f.request.body !== undefined) {
      expect(request?.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(request?.headers['user-agent']).toMatch(/uplink-platform-client\//);
  });

  it('reads the artifact under `artifact` even when the deprecated `model` key is present', async () => {
    const f = fixture('get-artifact');
    const body = f.response.body as { artifact: { name: string } };
    const server = await startRecordingServer(() => ({
      body: { ...body, model: { ...body.artifact, name: 'stale' } },
    }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const result = await client.getArtifact(ART);
    expect(result.artifact.name).toBe('churn-model');
    expect(server.requests[0]?.path).toBe(`/satellites/v1/artifacts/${ART}`);
  });

  it('keeps inference_url relative', async () => {
    const f = fixture('get-deployment');
    const server = await startRecordingServer(() => ({ body: f.response.body }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    expect((await client.getDeployment(DEP)).inference_url).toBe(`/deployments/${DEP}`);
  });
});
