import {
  AbortError,
  type ApiError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  isUplinkError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  TimeoutError,
  UnprocessableEntityError,
} from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { PlatformClient } from '../src/index.js';
import { ART, DEP, fixture, SECRET, TASK, TOKEN, USER_KEY } from './fixtures.js';
import { type Reply, startRecordingServer } from './recording-server.js';

const noRetry = { retry: false as const };

async function clientFor(reply: Reply | ((index: number) => Reply), extra = {}) {
  const server = await startRecordingServer((_req, index) =>
    typeof reply === 'function' ? reply(index) : reply,
  );
  const client = new PlatformClient({
    token: TOKEN,
    baseUrl: server.url,
    env: {},
    ...noRetry,
    ...extra,
  });
  return { server, client };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** Every error fixture of fixtures/luml, with the method that meets it and the class it becomes. */
const statusCases: [
  string,
  (c: PlatformClient) => Promise<unknown>,
  new (...a: never[]) => Error,
][] = [
  [
    'pair-empty-capabilities',
    (c) => c.pair({ baseUrl: 'http://localhost', capabilities: { monitoring: { version: 1 } } }),
    BadRequestError,
  ],
  [
    'pair-satellite-not-found',
    (c) => c.pair({ baseUrl: 'http://localhost', capabilities: { monitoring: { version: 1 } } }),
    NotFoundError,
  ],
  ['unauthenticated', (c) => c.listTasks(), AuthenticationError],
  ['wrong-token-kind', (c) => c.listTasks(), PermissionDeniedError],
  ['list-tasks-bad-status', (c) => c.listTasks(), UnprocessableEntityError],
  ['task-status-not-found', (c) => c.updateTaskStatus(TASK, 'running'), NotFoundError],
  ['task-status-invalid', (c) => c.updateTaskStatus(TASK, 'running'), UnprocessableEntityError],
  ['get-deployment-not-found', (c) => c.getDeployment(DEP), NotFoundError],
  ['delete-deployment-conflict', (c) => c.deleteDeployment(DEP), ConflictError],
  ['artifact-download-url-failed', (c) => c.getArtifactDownloadUrl(ART), BadRequestError],
  ['artifact-not-found', (c) => c.getArtifact(ART), NotFoundError],
  ['get-secret-not-found', (c) => c.getSecret(SECRET), NotFoundError],
];

describe('PlatformClient error mapping', () => {
  it.each(statusCases)('%s', async (name, call, errorClass) => {
    const f = fixture(name);
    const { client } = await clientFor({ status: f.response.status, body: f.response.body });
    const error = await failure(call(client));
    expect(error).toBeInstanceOf(errorClass);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(f.response.status);
    expect(apiError.body).toEqual(f.response.body);
    const detail = (f.response.body as { detail: unknown }).detail;
    if (typeof detail === 'string') expect(apiError.message).toContain(detail);
    else expect(apiError.message).toContain('status');
    await client.close();
  });

  it('maps a 409 on DELETE to ConflictError carrying the server message', async () => {
    const f = fixture('delete-deployment-conflict');
    const { client } = await clientFor({ status: 409, body: f.response.body });
    const error = (await failure(client.deleteDeployment(DEP))) as ConflictError;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toContain('Request deployment deletion first');
    expect(error.method).toBe('DELETE');
  });

  it('maps the PATCH 500 without a JSON body to InternalServerError', async () => {
    const { client } = await clientFor({ status: 500, text: 'Internal Server Error' });
    const error = await failure(
      client.updateDeployment(DEP, { status: 'active' }, { merge: false }),
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as ApiError).status).toBe(500);
  });

  it('summarises an HTML error page from a proxy', async () => {
    const html =
      '<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>';
    const { client } = await clientFor({
      status: 502,
      text: html,
      headers: { 'content-type': 'text/html' },
    });
    const error = await failure(client.listDeployments());
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toContain('502');
  });

  it('maps 429 to RateLimitError with the server hint', async () => {
    const { client } = await clientFor({
      status: 429,
      body: { detail: 'slow down' },
      headers: { 'retry-after': '7' },
    });
    const error = (await failure(client.listTasks())) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(7000);
  });

  it('rejects a 200 whose body does not match the schema, naming the path', async () => {
    // (A bad row in a task list is set aside instead: see platform-client.list-tasks.test.ts.)
    const deployment = fixture('get-deployment').response.body as Record<string, unknown>;
    const { client } = await clientFor({ body: { ...deployment, status: 'completed' } });
    const error = (await failure(client.getDeployment(DEP))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.path).toBe('status');
  });

  it('rejects a 200 with a body that is not JSON as a typed error', async () => {
    const { client } = await clientFor({ status: 200, text: '<html>maintenance</html>' });
    const error = await failure(client.getDeployment(DEP));
    expect(isUplinkError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ConnectionError);
  });

  it('rejects an empty 200 where a body was expected', async () => {
    const { client } = await clientFor({ status: 200 });
    const error = await failure(client.getDeployment(DEP));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(/empty/i);
  });

  it('reports a dropped connection as ConnectionError', async () => {
    const { client } = await clientFor({ drop: true });
    expect(await failure(client.listTasks())).toBeInstanceOf(ConnectionError);
  });

  it('reports an unreachable platform as ConnectionError', async () => {
    const client = new PlatformClient({
      token: TOKEN,
      baseUrl: 'http://127.0.0.1:1',
      env: {},
      ...noRetry,
    });
    expect(await failure(client.listDeployments())).toBeInstanceOf(ConnectionError);
  });

  it('gives up on a silent platform after timeoutMs with TimeoutError (attempt)', async () => {
    const { client, server } = await clientFor({ hang: true }, { timeoutMs: 50 });
    const error = (await failure(client.listTasks())) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe('attempt');
    expect(server.requests).toHaveLength(1);
  });

  it('bounds retries with totalTimeoutMs (TimeoutError total)', async () => {
    const { client } = await clientFor(
      { hang: true },
      { timeoutMs: 10_000, totalTimeoutMs: 60, retry: { maxRetries: 5, baseDelayMs: 1 } },
    );
    const error = (await failure(client.listDeployments())) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBe('total');
  });

  it('sends every request through a custom fetch', async () => {
    const f = fixture('list-deployments');
    const seen: string[] = [];
    const { client, server } = await clientFor(
      { body: f.response.body },
      {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          seen.push(input instanceof Request ? input.url : String(input));
          return fetch(input, init);
        },
      },
    );
    expect(await client.listDeployments()).toHaveLength(1);
    expect(seen).toEqual([`${server.url}/satellites/v1/deployments`]);
  });

  it('honours a caller abort with AbortError', async () => {
    const { client } = await clientFor({ body: [] });
    const controller = new AbortController();
    controller.abort();
    const error = await failure(client.listTasks({ signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
  });

  it('fails later calls with AbortError after close()', async () => {
    const { client, server } = await clientFor({ body: [] });
    await client.close();
    await client.close();
    expect(await failure(client.listTasks())).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(0);
  });

  it('finds no secret by an unknown name with NotFoundError', async () => {
    const f = fixture('list-secrets');
    const { client } = await clientFor({ body: f.response.body });
    expect((await client.getSecretByName('OPENAI_API_KEY')).id).toBe(SECRET);
    const error = (await failure(client.getSecretByName('MISSING'))) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(404);
    expect(error.message).toContain('MISSING');
    expect(error.message).not.toContain('sk-proj');
  });
});

describe('PlatformClient input checks (no request is sent)', () => {
  it('rejects an empty capability map and bad keys before pairing', async () => {
    const { client, server } = await clientFor({ body: {} });
    const empty = await failure(client.pair({ baseUrl: 'http://localhost', capabilities: {} }));
    expect(empty).toBeInstanceOf(ConfigurationError);
    expect(empty.message).toContain('at least one capability');
    const badKey = (await failure(
      client.pair({ baseUrl: 'localhost', capabilities: { gpu: {} } as never }),
    )) as ConfigurationError;
    expect(badKey.problems.map((p) => p.setting)).toEqual(
      expect.arrayContaining(['pair.base_url', 'pair.capabilities.gpu']),
    );
    expect(server.requests).toHaveLength(0);
  });

  it('rejects `completed` and other unknown statuses', async () => {
    const { client, server } = await clientFor({ body: {} });
    expect(await failure(client.listTasks({ status: 'completed' as never }))).toBeInstanceOf(
      ConfigurationError,
    );
    const done = await failure(client.updateTaskStatus(TASK, 'completed' as never));
    expect(done.message).toContain('"done", not "completed"');
    expect(await failure(client.updateDeploymentStatus(DEP, 'deleted' as never))).toBeInstanceOf(
      ConfigurationError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a deployment update without status (the wire answers 500)', async () => {
    const { client, server } = await clientFor({ body: {} });
    const error = (await failure(
      client.updateDeployment(DEP, { tags: ['x'] } as never),
    )) as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.problems[0]?.setting).toBe('update.status');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses arguments of the wrong type from JS callers with ConfigurationError', async () => {
    const { client, server } = await clientFor({ body: {} });
    const cases: [Promise<unknown>, string][] = [
      [client.pair(undefined as never), 'pair.base_url'],
      [client.pair({ baseUrl: 8080, capabilities: { monitoring: {} } } as never), 'pair.base_url'],
      [client.updateDeployment(DEP, null as never), 'update'],
      [client.updateTaskStatus(TASK, 'done', 'ok' as never), 'result'],
      [client.updateTaskStatus(TASK, 'done', ['ok'] as never), 'result'],
    ];
    for (const [call, setting] of cases) {
      const error = (await failure(call)) as ConfigurationError;
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.problems[0]?.setting).toBe(setting);
    }
    expect(await client.authorizeInferenceAccess(42 as never)).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('treats null call options like absent ones', async () => {
    const { client, server } = await clientFor({ body: [] });
    expect(await client.listTasks(null as never)).toEqual([]);
    expect(await client.listDeployments(null as never)).toEqual([]);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/satellites/v1/tasks',
      '/satellites/v1/deployments',
    ]);
  });

  it('escapes ids so they cannot change the route', async () => {
    const f = fixture('get-deployment');
    const { client, server } = await clientFor({ body: f.response.body });
    await client.getDeployment('../tasks?status=done');
    expect(server.requests[0]?.path).toBe('/satellites/v1/deployments/..%2Ftasks%3Fstatus%3Ddone');
  });
});

describe('inference-access key hygiene', () => {
  it('scrubs the user key from an error that echoes it (FastAPI 422 `input`)', async () => {
    const { client } = await clientFor((index) => ({
      status: 422,
      body: {
        detail: [
          {
            type: 'string_type',
            loc: ['body', 'api_key'],
            msg: `bad key ${USER_KEY}`,
            input: USER_KEY,
            attempt: index,
          },
        ],
      },
      headers: { 'x-echo': USER_KEY },
    }));
    const error = (await failure(client.authorizeInferenceAccess(USER_KEY))) as ApiError;
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.status).toBe(422);
    expect(error.method).toBe('POST');
    const seen = [
      error.message,
      JSON.stringify(error),
      JSON.stringify(error.body),
      JSON.stringify(error.headers),
    ].join('\n');
    expect(seen).not.toContain(USER_KEY);
    expect(seen).toContain('[REDACTED]');
  });

  it('passes other errors through unchanged', async () => {
    const { client } = await clientFor({ status: 503, body: { detail: 'busy' } });
    const error = (await failure(client.authorizeInferenceAccess(USER_KEY))) as ApiError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toContain('busy');
  });

  it('answers false without a call for a key longer than the platform accepts', async () => {
    const { client, server } = await clientFor({ body: { authorized: true } });
    expect(await client.authorizeInferenceAccess(`dfs_${'x'.repeat(252)}`)).toBe(false);
    expect(server.requests).toHaveLength(0);
    expect(await client.authorizeInferenceAccess(`dfs_${'x'.repeat(251)}`)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});
