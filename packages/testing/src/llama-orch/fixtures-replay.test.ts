// Replays every fixture in fixtures/llama-orch (the request/response pairs of
// docs/protocols/llama-orch.md) against the fake.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseWire } from '@uplink/core-schemas';
import * as schemas from '@uplink/core-schemas/llama-orch';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeLlamaOrch, startFakeLlamaOrch } from './fake-llama-orch.js';
import type { FakeLlamaOrchOptions } from './options.js';

interface Fixture {
  meta: {
    name: string;
    replay: 'exact' | 'shape' | 'status' | 'none';
    responseSchema?: string | null;
    sse?: boolean;
    fake?: FakeLlamaOrchOptions;
    setup?: {
      admissions?: number;
      enqueue?: Record<string, unknown>;
      apiVersion?: 'v1' | 'v2';
      registerWorker?: boolean;
      cancel?: string;
      drain?: string;
      /** Further requests to make first (v1 auth, JSON bodies), each expecting a 2xx. */
      requests?: { method: string; path: string; body?: unknown }[];
    };
  };
  request: { method: string; path: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

const dir = resolve(import.meta.dirname, '../../../../fixtures/llama-orch');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as Fixture);

const V1 = { 'x-api-key': 'valid', 'content-type': 'application/json' };

async function setUp(fake: FakeLlamaOrch, setup: Fixture['meta']['setup']): Promise<void> {
  if (!setup) return;
  const post = (path: string, body: unknown, headers: Record<string, string> = V1) =>
    fetch(`${fake.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  for (let i = 0; i < (setup.admissions ?? 0); i++) {
    const res = await post('/v1/tasks', {
      task_id: `fill-${i}`,
      session_id: 's-fill',
      workload: 'completion',
      model_ref: 'model0',
      engine: 'llamacpp',
      ctx: 0,
      priority: i % 2 ? 'batch' : 'interactive',
      max_tokens: 1,
      deadline_ms: 1000,
    });
    expect(res.status).toBe(202);
  }
  if (setup.enqueue) {
    const v2 = setup.apiVersion === 'v2';
    const res = await post(
      v2 ? '/v2/tasks' : '/v1/tasks',
      setup.enqueue,
      v2 ? { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' } : V1,
    );
    expect(res.status).toBe(202);
  }
  if (setup.registerWorker) {
    const res = await post('/v1/workers/register', {}, { ...V1, authorization: 'Bearer any' });
    expect(res.status).toBe(200);
  }
  if (setup.cancel) expect((await post(`/v1/tasks/${setup.cancel}/cancel`, {})).status).toBe(204);
  if (setup.drain) {
    expect((await post(`/v1/pools/${setup.drain}/drain`, { deadline_ms: 1 })).status).toBe(202);
  }
  for (const step of setup.requests ?? []) {
    const res = await fetch(`${fake.url}${step.path}`, {
      method: step.method,
      headers: V1,
      ...(step.body === undefined ? {} : { body: JSON.stringify(step.body) }),
    });
    expect(res.ok, `${step.method} ${step.path}`).toBe(true);
  }
}

let fake: FakeLlamaOrch | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('fixtures/llama-orch replayed against FakeLlamaOrch', () => {
  it('holds every example pair, including the 14 Pact interactions', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
    const pacts = fixtures.filter((f) => f.meta.name.startsWith('pact-'));
    expect(pacts.map((f) => f.meta.name.slice(0, 7))).toEqual(
      Array.from({ length: 14 }, (_, i) => `pact-${String(i + 1).padStart(2, '0')}`),
    );
  });

  for (const fixture of fixtures.filter((f) => f.meta.replay !== 'none')) {
    it(`${fixture.meta.name} (${fixture.meta.replay})`, async () => {
      fake = await startFakeLlamaOrch(fixture.meta.fake ?? {});
      await setUp(fake, fixture.meta.setup);
      const { request, response } = fixture;
      const body =
        request.body === null
          ? undefined
          : typeof request.body === 'string'
            ? request.body
            : JSON.stringify(request.body);
      const res = await fetch(`${fake.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      expect(res.status).toBe(response.status);
      const type = response.headers['content-type'];
      if (type) expect(res.headers.get('content-type')?.split(';')[0]).toBe(type.split(';')[0]);
      if (fixture.meta.replay === 'status') return;
      const schemaName = fixture.meta.responseSchema;
      if (schemaName) {
        const schema = (schemas as Record<string, unknown>)[schemaName];
        expect(schema, schemaName).toBeDefined();
        parseWire(schema as Parameters<typeof parseWire>[0], JSON.parse(text), schemaName);
      }
      if (fixture.meta.replay === 'shape') {
        expect(typeof JSON.parse(text)).toBe('object');
        return;
      }
      for (const [name, value] of Object.entries(response.headers)) {
        expect(res.headers.get(name), name).toBe(value);
      }
      if (response.headers['x-correlation-id'] === undefined) {
        expect(res.headers.get('x-correlation-id')).toBeNull();
      }
      if (response.body === null) expect(text).toBe('');
      else if (typeof response.body === 'string') expect(text).toBe(response.body);
      else expect(JSON.parse(text)).toEqual(response.body);
    });
  }
});
