import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as saturn from './index.js';

// Every request, response and error body of docs/protocols/saturn.md lives in
// fixtures/saturn/*.json, naming the schema of the request body and of the success `data`.
const dir = resolve(import.meta.dirname, '../../../../fixtures/saturn');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

interface Fixture {
  description: string;
  schemas: { request?: string; data?: string };
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

function schemaFor(name: string): v.GenericSchema {
  const schema = (saturn as Record<string, unknown>)[name];
  if (!schema || typeof schema !== 'object' || !('~standard' in schema)) {
    throw new Error(`fixture names unknown schema ${name}`);
  }
  return schema as v.GenericSchema;
}

const load = (file: string): Fixture =>
  JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Fixture;

function problems(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  return (result.issues ?? []).map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`);
}

describe('SATURN fixtures', () => {
  it('covers every route of §2.4 and every error shape', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    const routes = new Set(files.map((f) => `${load(f).request.method} ${load(f).request.path}`));
    for (const route of ['GET /health', 'GET /auth/me', 'GET /auth/api-key', 'POST /agents']) {
      expect(routes).toContain(route);
    }
  });

  it.each(files)('%s parses with its schemas', (file) => {
    const fixture = load(file);
    expect(fixture.description).toMatch(/^docs\/protocols\/saturn\.md \u00a72\.[1-6]: /);
    expect(fixture.request.method).toMatch(/^(GET|POST|PATCH|DELETE)$/);
    expect(fixture.request.path.startsWith('/')).toBe(true);
    if (fixture.schemas.request) {
      expect(problems(schemaFor(fixture.schemas.request), fixture.request.body)).toEqual([]);
    }
    const { status, body, headers } = fixture.response;
    if (status < 300) {
      expect(fixture.schemas.data ?? 'HealthSchema').toMatch(/Schema$/);
      const envelope = saturn.saturnEnvelope(schemaFor(fixture.schemas.data ?? 'HealthSchema'));
      expect(problems(envelope, body)).toEqual([]);
      expect(headers['x-request-id']).toBe((body as { meta: Meta }).meta.request_id);
      return;
    }
    // An error is either SATURN's envelope (with meta) or a plain FastAPI body (without).
    const enveloped = v.is(saturn.ErrorEnvelopeSchema, body);
    const plainBody = v.is(saturn.PlainErrorSchema, body);
    expect(enveloped !== plainBody).toBe(true);
    if (plainBody) {
      expect([404, 405, 422]).toContain(status);
      expect(body).not.toHaveProperty('meta');
      return;
    }
    const { error, meta } = v.parse(saturn.ErrorEnvelopeSchema, body);
    expect(saturn.isSaturnErrorCode(error.code)).toBe(true);
    expect(saturn.SATURN_ERROR_CODES[error.code as saturn.SaturnErrorCode].status).toBe(status);
    expect(meta?.request_id).toBeDefined();
    // A 500 INTERNAL_ERROR from an unhandled exception never has the header (§2.6).
    if (error.code === 'INTERNAL_ERROR') expect(headers).not.toHaveProperty('x-request-id');
    else expect(headers['x-request-id']).toBe(meta?.request_id);
  });
});

type Meta = v.InferOutput<typeof saturn.MetaSchema>;

describe('SATURN readers', () => {
  it('reads the chat reply, fills absent citations and keeps unknown fields', () => {
    const data = (load('chat.json').response.body as { data: unknown }).data;
    const reply = v.parse(saturn.ChatReplySchema, data);
    expect(reply.citations[0]?.title).toBe('faq.md');
    const bare = v.parse(saturn.ChatReplySchema, {
      session_id: 's',
      reply: 'r',
      usage: { tokens_in: 1, tokens_out: 1, tool_calls: 0, kb_queries: 0 },
      latency_ms: 12,
    });
    expect(bare.citations).toEqual([]);
    expect(bare).toHaveProperty('latency_ms', 12);
  });

  it('reads types, statuses and codes as open strings', () => {
    const agent = (load('get-agent.json').response.body as { data: Record<string, unknown> }).data;
    const parsed = v.parse(saturn.AgentSchema, { ...agent, type: 'workflow', status: 'archived' });
    expect(parsed.type).toBe('workflow');
    const error = v.parse(saturn.ErrorEnvelopeSchema, {
      error: { code: 'QUOTA_EXCEEDED', message: 'over quota' },
    });
    expect(error.error.code).toBe('QUOTA_EXCEEDED');
    expect(saturn.isSaturnErrorCode('QUOTA_EXCEEDED')).toBe(false);
  });

  it('applies the role table, scopes and credential kinds of §2.3', () => {
    expect(saturn.roleHasPermission('admin', 'users:read')).toBe(true);
    expect(saturn.roleHasPermission('operator', 'chat:write')).toBe(true);
    expect(saturn.roleHasPermission('operator', 'tools:write')).toBe(false);
    expect(saturn.roleHasPermission(undefined, 'agents:read')).toBe(true);
    expect(saturn.roleHasPermission(null, 'agents:write')).toBe(false);
    expect(saturn.roleHasPermission('superuser', 'agents:read')).toBe(false);
    expect(saturn.roleHasPermission('toString', 'agents:read')).toBe(false);
    expect(saturn.scopesGrant(['*'], 'chat:write')).toBe(true);
    expect(saturn.scopesGrant(['agents:read'], 'chat:write')).toBe(false);
    expect(saturn.credentialKind('sk_live_abc')).toBe('api_key');
    expect(saturn.credentialKind('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe('jwt');
  });

  it('accepts YYYY-MM periods only', () => {
    for (const good of ['2025-12', '2026-01', '0001-01', '9999-12']) {
      expect(saturn.isPeriod(good)).toBe(true);
    }
    for (const bad of ['2025-13', '2025-00', '2025-1', '0000-01', '2025/12', ' 2025-12', 12]) {
      expect(saturn.isPeriod(bad)).toBe(false);
    }
  });
});
