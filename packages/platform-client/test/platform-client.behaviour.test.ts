import { ConnectionError, InternalServerError } from '@uplink/core-schemas';
import type { Logger } from '@uplink/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlatformClient } from '../src/index.js';
import { DEP, fixture, SECRET, TASK, TOKEN, USER_KEY } from './fixtures.js';
import { type RecordedRequest, type Reply, startRecordingServer } from './recording-server.js';

const fastRetry = { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } };

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('updateDeployment merge (PATCH nulls omitted fields on the wire)', () => {
  // A server with the real PATCH semantics: every field left out of the body is stored as null.
  async function patchServer() {
    let row = { ...(fixture('get-deployment').response.body as Record<string, unknown>) };
    const server = await startRecordingServer((req: RecordedRequest): Reply => {
      if (req.method === 'GET') return { body: row };
      const body = req.body as Record<string, unknown>;
      if (!('status' in body)) return { status: 500, text: 'Internal Server Error' };
      row = {
        ...row,
        status: body.status,
        inference_url: body.inference_url ?? null,
        schemas: body.schemas ?? null,
        error_message: body.error_message ?? null,
        tags: body.tags ?? null,
      };
      return { body: row };
    });
    return { server, row: () => row };
  }

  it('keeps tags, inference_url and schemas the update does not name', async () => {
    const { server, row } = await patchServer();
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const updated = await client.updateDeployment(DEP, { status: 'active' });
    expect(updated.tags).toEqual(['prod']);
    expect(updated.inference_url).toBe(`/deployments/${DEP}`);
    expect(updated.schemas).toEqual(row().schemas);
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(server.requests[1]?.body).toEqual({
      status: 'active',
      inference_url: `/deployments/${DEP}`,
      schemas: { openapi: '3.1.0', info: { title: 'model', version: '1.0.0' }, paths: {} },
      error_message: null,
      tags: ['prod'],
    });
  });

  it('applies named fields, clears explicit nulls, and ignores undefined ones', async () => {
    const { server } = await patchServer();
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const updated = await client.updateDeployment(DEP, {
      status: 'failed',
      error_message: { reason: 'healthcheck timeout' },
      inference_url: null,
      schemas: undefined,
    });
    expect(updated).toMatchObject({
      status: 'failed',
      error_message: { reason: 'healthcheck timeout' },
      inference_url: null,
      tags: ['prod'],
    });
    expect(updated.schemas).not.toBeNull();
  });

  it('sends the raw body with merge: false, so the wire nulls the rest', async () => {
    const { server } = await patchServer();
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const updated = await client.updateDeployment(DEP, { status: 'active' }, { merge: false });
    expect(server.requests.map((r) => r.method)).toEqual(['PATCH']);
    expect(server.requests[0]?.body).toEqual({ status: 'active' });
    expect(updated.tags).toBeNull();
  });
});

describe('retries', () => {
  it('retries an idempotent read after 503s and a dropped connection', async () => {
    const f = fixture('list-deployments');
    const replies: Reply[] = [{ status: 503, body: { detail: 'busy' } }, { drop: true }];
    const server = await startRecordingServer((_r, i) => replies[i] ?? { body: f.response.body });
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      ...fastRetry,
    });
    expect(await client.listDeployments()).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it('sends a call once with retry: false, for callers that retry on their own schedule', async () => {
    const server = await startRecordingServer(() => ({ status: 503, body: { detail: 'busy' } }));
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      ...fastRetry,
    });
    await expect(client.listTasks({ status: 'pending', retry: false })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(server.requests).toHaveLength(1);
    await expect(
      client.pair({
        baseUrl: 'http://127.0.0.1:1',
        capabilities: { monitoring: { version: 1 } },
        retry: false,
      }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(2);
    // Without it, the client's policy applies: one call, three requests.
    await expect(client.listDeployments()).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(5);
  });

  it('retries the full-body PATCH, which converges', async () => {
    const f = fixture('patch-deployment-full');
    const server = await startRecordingServer((_r, i) =>
      i === 0 ? { status: 502, text: 'bad gateway' } : { body: f.response.body },
    );
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      ...fastRetry,
    });
    await client.updateDeployment(DEP, f.request.body as never, { merge: false });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toEqual(server.requests[0]?.body);
  });

  it('never retries a task status update blindly (5xx or dropped connection)', async () => {
    const server = await startRecordingServer((_r, i) =>
      i === 0 ? { status: 503, body: { detail: 'busy' } } : { drop: true },
    );
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      ...fastRetry,
    });
    await expect(client.updateTaskStatus(TASK, 'done', {})).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(server.requests).toHaveLength(1);
    await expect(client.updateTaskStatus(TASK, 'done', {})).rejects.toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(2);
  });

  it('sends no Idempotency-Key (the platform has none)', async () => {
    const f = fixture('patch-deployment-status');
    const server = await startRecordingServer(() => ({ body: f.response.body }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    await client.updateDeploymentStatus(DEP, 'not_responding');
    expect(server.requests[0]?.headers['idempotency-key']).toBeUndefined();
  });
});

describe('caches', () => {
  it('caches inference access per key for 60 s', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    const server = await startRecordingServer((req) => ({
      body: { authorized: (req.body as { api_key: string }).api_key === USER_KEY },
    }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    expect(await client.authorizeInferenceAccess(USER_KEY)).toBe(true);
    expect(await client.authorizeInferenceAccess(USER_KEY)).toBe(true);
    expect(await client.authorizeInferenceAccess('dfs_other')).toBe(false);
    expect(server.requests).toHaveLength(2);
    vi.advanceTimersByTime(59_999);
    await client.authorizeInferenceAccess(USER_KEY);
    expect(server.requests).toHaveLength(2);
    vi.advanceTimersByTime(1);
    await client.authorizeInferenceAccess(USER_KEY);
    expect(server.requests).toHaveLength(3);
    expect(await client.authorizeInferenceAccess('')).toBe(false);
    expect(server.requests).toHaveLength(3);
  });

  it('caches secrets per id for 60 s, and forgets them on close', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    const f = fixture('get-secret');
    const server = await startRecordingServer(() => ({ body: f.response.body }));
    const client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    await client.getSecret(SECRET);
    await client.getSecret(SECRET);
    expect(server.requests).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    expect((await client.getSecret(SECRET)).value).toBe('sk-proj-9c2f...');
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it('can turn both caches off', async () => {
    const server = await startRecordingServer((req) =>
      req.method === 'POST'
        ? { body: { authorized: true } }
        : { body: fixture('get-secret').response.body },
    );
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      cache: { inferenceAccessTtlMs: false, secretTtlMs: false },
    });
    await client.authorizeInferenceAccess(USER_KEY);
    await client.authorizeInferenceAccess(USER_KEY);
    await client.getSecret(SECRET);
    await client.getSecret(SECRET);
    expect(server.requests).toHaveLength(4);
  });

  it('does not cache a failed check', async () => {
    const server = await startRecordingServer((_r, i) =>
      i === 0 ? { status: 500, text: 'down' } : { body: { authorized: true } },
    );
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      retry: false,
    });
    await expect(client.authorizeInferenceAccess(USER_KEY)).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(await client.authorizeInferenceAccess(USER_KEY)).toBe(true);
  });
});

describe('token hygiene', () => {
  it('never shows the token in errors or logs, even when the server echoes it', async () => {
    const logger = captureLogger();
    const server = await startRecordingServer((req) => ({
      status: 401,
      body: { detail: `Not authenticated: ${req.headers.authorization}` },
      headers: { 'x-echo': String(req.headers.authorization) },
    }));
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      logger,
      retry: false,
    });
    const error = await client.listTasks().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const seen = [
      (error as Error).message,
      JSON.stringify(error),
      JSON.stringify((error as unknown as { toJSON(): unknown }).toJSON()),
      String((error as Error).stack),
      ...logger.lines,
    ].join('\n');
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain('ElrtvzEokFpY');
  });

  it('warns once when the token lacks the dfssat_ prefix, without the token', () => {
    const logger = captureLogger();
    const client = new PlatformClient({ token: USER_KEY, env: {}, logger });
    const warnings = logger.lines.filter((l) => l.startsWith('warn'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('dfssat_');
    expect(warnings.join()).not.toContain(USER_KEY);
    void client.close();
  });

  it('does not warn for a satellite key', () => {
    const logger = captureLogger();
    void new PlatformClient({ token: TOKEN, env: {}, logger }).close();
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('uses the token from the environment', async () => {
    const server = await startRecordingServer(() => ({ body: [] }));
    await using client = new PlatformClient({
      env: { SATELLITE_TOKEN: 'dfssat_from_env', PLATFORM_URL: server.url },
    });
    await client.listTasks();
    expect(server.requests[0]?.headers.authorization).toBe('Bearer dfssat_from_env');
    expect(client.baseUrl).toBe(server.url);
  });
});

describe('platform URL', () => {
  it('keeps a path prefix of the platform URL', async () => {
    const server = await startRecordingServer(() => ({ body: [] }));
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: `${server.url}/api/`,
      env: {},
    });
    await client.listDeployments();
    expect(server.requests[0]?.path).toBe('/api/satellites/v1/deployments');
  });
});

describe('transport options', () => {
  it("sends the caller's headers, keeps JSON accept, and aborts every call with the client signal", async () => {
    const server = await startRecordingServer(() => ({ body: [] }));
    const controller = new AbortController();
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      headers: { 'x-trace': 'abc', accept: 'text/plain' },
      signal: controller.signal,
    });
    await client.listDeployments();
    expect(server.requests[0]?.headers['x-trace']).toBe('abc');
    expect(server.requests[0]?.headers.accept).toBe('application/json');
    controller.abort();
    await expect(client.listDeployments()).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('optional arguments accept undefined (exactOptionalPropertyTypes)', () => {
  it('treats status, slug and merge given as undefined like absent ones', async () => {
    const f = fixture('get-deployment');
    const server = await startRecordingServer((req) =>
      req.path.startsWith('/satellites/v1/tasks')
        ? { body: [] }
        : req.path.endsWith('/pair')
          ? { body: fixture('pair').response.body }
          : { body: f.response.body },
    );
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const maybe: { status?: 'pending' | undefined } = {};
    await client.listTasks({ status: maybe.status });
    await client.pair({
      baseUrl: 'http://localhost',
      capabilities: { monitoring: { version: 1 } },
      slug: undefined,
    });
    await client.updateDeployment(DEP, { status: 'active' }, { merge: undefined });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /satellites/v1/tasks',
      'POST /satellites/v1/pair',
      `GET /satellites/v1/deployments/${DEP}`,
      `PATCH /satellites/v1/deployments/${DEP}`,
    ]);
    expect(server.requests[1]?.body).toEqual({
      base_url: 'http://localhost',
      capabilities: { monitoring: { version: 1 } },
    });
  });
});
