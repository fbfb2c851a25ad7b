import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError, RateLimitError } from '@uplink/core-schemas';
import type { TaskRequest } from '@uplink/core-schemas/llama-orch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrchClient } from '../src/index.js';
import { type ScriptedServer, startScriptedServer } from './scripted-server.js';

// Replays every non-SSE request/response pair of fixtures/llama-orch (docs/protocols/llama-orch.md
// §2-§11) through the OrchClient method for its route: the client must send the fixture's method,
// path, auth and correlation id, and turn the fixture's response into the right value or error.
// (The SSE pairs go through stream-fixtures.test.ts; the fake replays them all too.)
interface Fixture {
  meta: { name: string; sse?: boolean };
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

const dir = resolve(import.meta.dirname, '../../../fixtures/llama-orch');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as Fixture)
  .filter(
    (f) =>
      !f.meta.sse && !f.request.path.includes('/events') && !f.request.path.endsWith('/stream'),
  );

/** Routes the client has no method for (outside M1, server-only or never routed). */
const NOT_CLIENT_ROUTES =
  /\/(workers|catalog|artifacts|purge|meta\/version)\b|^\/metrics$|^\/v1\/unknown/;

type Call = (client: OrchClient, fixture: Fixture) => Promise<unknown>;

/** The client method for a fixture's route, or undefined when the client has none. */
function callFor(fixture: Fixture): Call | undefined {
  const { method, path } = fixture.request;
  const id = (at: number) => decodeURIComponent(path.split('/')[at] ?? '');
  const body = (fixture.request.body ?? {}) as Record<string, unknown>;
  if (NOT_CLIENT_ROUTES.test(path)) return undefined;
  if (method === 'GET' && /^\/v1\/capabilities$|^\/v2\/meta\/capabilities$/.test(path)) {
    return (c) => c.getCapabilities();
  }
  if (method === 'POST' && /^\/v[12]\/tasks$/.test(path)) {
    // A raw string body (malformed JSON) cannot be sent through the typed API: send `{}`.
    const request = (typeof fixture.request.body === 'object' ? body : {}) as TaskRequest;
    return (c) => c.enqueueTask(request);
  }
  if (method === 'POST' && path.endsWith('/cancel')) return (c) => c.cancelTask(id(3));
  if (method === 'GET' && /\/sessions\//.test(path)) return (c) => c.getSession(id(3));
  if (method === 'DELETE' && /\/sessions\//.test(path)) return (c) => c.deleteSession(id(3));
  if (method === 'GET' && path.endsWith('/health')) return (c) => c.getPoolHealth(id(3));
  if (method === 'POST' && path.endsWith('/drain')) {
    return (c) => c.drainPool(id(3), { deadlineMs: body.deadline_ms as number });
  }
  if (method === 'POST' && path.endsWith('/reload')) {
    return (c) => c.reloadPool(id(3), { modelRef: body.new_model_ref as string });
  }
  return undefined;
}

let current: Fixture | undefined;
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer(() => {
    const { response } = current!;
    const text =
      response.body === null
        ? ''
        : typeof response.body === 'string'
          ? response.body
          : JSON.stringify(response.body);
    return { status: response.status, headers: response.headers, body: text };
  });
});
afterAll(() => server.close());

describe('non-SSE fixtures through OrchClient', () => {
  const replayed = fixtures.filter((f) => callFor(f) !== undefined);

  it('covers every client route and every pact/sentinel/auth error pair', () => {
    expect(replayed.length).toBeGreaterThanOrEqual(40);
    for (const prefix of ['pact-', 'sentinel-', 'auth-', 'session-', 'pool-h', 'capabilities-']) {
      const all = fixtures.filter((f) => f.meta.name.startsWith(prefix));
      expect(all.length, prefix).toBeGreaterThan(0);
      expect(
        all.filter((f) => !callFor(f)).map((f) => f.meta.name),
        prefix,
      ).toEqual([]);
    }
  });

  for (const fixture of replayed) {
    it(fixture.meta.name, async () => {
      current = fixture;
      const sent = fixture.request.headers;
      const v2 = fixture.request.path.startsWith('/v2/');
      const token = sent.authorization?.replace(/^Bearer /, '');
      const client = new OrchClient({
        baseUrl: server.url,
        apiVersion: v2 ? 'v2' : 'v1',
        retry: false,
        ...(sent['x-api-key'] ? { apiKey: sent['x-api-key'] } : {}),
        ...(token ? { token } : {}),
        ...(sent['x-correlation-id'] ? { correlationId: sent['x-correlation-id'] } : {}),
      });
      const before = server.requests.length;
      const outcome = await callFor(fixture)!(client, fixture).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      await client.close();

      // What went out matches the fixture's request.
      const seen = server.requests.slice(before);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.method).toBe(fixture.request.method);
      expect(seen[0]!.path).toBe(fixture.request.path);
      for (const name of ['x-api-key', 'authorization', 'x-correlation-id']) {
        if (sent[name] !== undefined) expect(seen[0]!.headers[name], name).toBe(sent[name]);
      }
      const body = fixture.request.body;
      if (body !== null && typeof body === 'object') {
        expect(JSON.parse(seen[0]!.body)).toMatchObject(body as Record<string, unknown>);
      }

      const { status, body: expected, headers } = fixture.response;
      if (status >= 200 && status < 300) {
        expect('value' in outcome, String((outcome as { error?: unknown }).error)).toBe(true);
        const value = (outcome as { value: unknown }).value;
        if (expected === null) {
          expect(value).toBeUndefined();
        } else if (/\/v[12]\/tasks$/.test(fixture.request.path)) {
          const admission = expected as { task_id: string; streams?: { sse_verbose?: string } };
          expect(value).toMatchObject({ admission: expected, taskId: admission.task_id });
          if (admission.streams?.sse_verbose?.startsWith('http')) {
            // Absolute stream URLs (upstream docs) are kept; preparation steps pick sse_verbose.
            expect((value as { streamUrl: string }).streamUrl).toBe(admission.streams.sse_verbose);
          }
        } else {
          expect(value).toEqual(expected);
        }
        return;
      }
      const error = (outcome as { error: unknown }).error;
      expect(error).toBeInstanceOf(ApiError);
      const api = error as ApiError;
      expect(api.status).toBe(status);
      const envelope = typeof expected === 'object' && expected !== null ? expected : undefined;
      const code = (envelope as { code?: unknown } | undefined)?.code;
      if (typeof code === 'string') expect(api.code).toBe(code);
      if (headers['x-correlation-id']) expect(api.correlationId).toBe(headers['x-correlation-id']);
      if (typeof expected === 'string' && expected)
        expect(api.message).toContain(expected.slice(0, 20));
      if (status === 429) {
        expect(api).toBeInstanceOf(RateLimitError);
        // @uplink/http reads Retry-After (whole seconds) before X-Backoff-Ms (ms): the contract
        // example sends 1 s and 1500 ms, so the hint is one of the two, never below Retry-After.
        expect([Number(headers['retry-after']) * 1000, Number(headers['x-backoff-ms'])]).toContain(
          api.retryAfterMs,
        );
        expect(api.body).toMatchObject({
          retry_after_ms: (expected as { retry_after_ms: number }).retry_after_ms,
        });
      }
    });
  }
});
