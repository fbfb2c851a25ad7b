import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakeSaturn } from './fake-saturn.js';
import type { FakeSaturn } from './fake-saturn-types.js';

// Replays every SATURN fixture (fixtures/saturn) against the fake: same status, the same
// X-Request-Id header (or none, for an unhandled 500), and the same body, with generated ids
// compared by shape. Each fixture gets a fresh fake seeded with the records its example shows.
const dir = resolve(import.meta.dirname, '../../../../fixtures/saturn');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

interface Fixture {
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}
const load = (name: string): Fixture =>
  JSON.parse(readFileSync(resolve(dir, name), 'utf8')) as Fixture;

const COMPANY = '0b6f8a52-6a0e-4c39-9c67-2a5f3f1d9e10';
const AGENT = '3b9d0c4e-5f1a-4b2c-8d3e-6f7a8b9c0d1e';
const TOOL = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const WF_TOOL = '8d2f3e4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a';
const DOC = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';

const dataOf = (name: string) =>
  (load(name).response.body as { data: Record<string, unknown> }).data;

const seed = {
  agent: (fake: FakeSaturn) => {
    const { agent_id, company_id, ...rest } = dataOf('get-agent.json');
    fake.addAgent({
      ...(rest as object),
      agent_id: agent_id as string,
      company_id: company_id as string,
    });
  },
  tool: (fake: FakeSaturn) => {
    const body = load('create-tool.json').request.body as Record<string, unknown>;
    fake.addTool({ ...(body as object), tool_id: TOOL });
  },
  workflowTool: (fake: FakeSaturn) => {
    fake.addTool({ tool_id: WF_TOOL, type: 'workflow', input_schema: { type: 'object' } });
  },
  document: (fake: FakeSaturn) => {
    const { content } = load('kb-upload.json').request.body as { content: string };
    fake.addDocument({ doc_id: DOC, agent_id: AGENT, filename: 'faq.md', content });
  },
  invoice: (fake: FakeSaturn) => {
    const { invoice_id, ...rest } = dataOf('get-invoice.json');
    fake.addInvoice({ ...(rest as object), invoice_id: invoice_id as string });
  },
};

/** Fixtures showing the success the defect prevents: replayed with it turned off. */
const defectOff = new Set([
  'chat',
  'list-tools',
  'kb-upload',
  'kb-list',
  'kb-delete',
  'kb-reindex',
  'usage-summary',
  'list-invoices',
  'get-invoice',
  'generate-invoice',
]);

const needs: Record<string, (keyof typeof seed)[]> = {
  'list-agents': ['agent'],
  'get-agent': ['agent'],
  'update-agent': ['agent'],
  'update-agent-empty': ['agent'],
  'disable-agent': ['agent'],
  chat: ['agent', 'document'],
  'chat-defect': ['agent'],
  'chat-session-not-found': ['agent'],
  'chat-key-without-scope': ['agent'],
  'chat-viewer': ['agent'],
  'list-tools': ['tool'],
  'list-tools-defect': ['tool'],
  'test-tool-http': ['tool'],
  'test-tool-workflow': ['workflowTool'],
  'test-tool-missing-field': ['tool'],
  'test-tool-bad-type': ['tool'],
  'attach-tool': ['agent', 'tool'],
  'attach-tool-unknown-agent': ['tool'],
  'attach-tool-unknown': ['agent'],
  'detach-tool': ['agent', 'tool'],
  'kb-upload': ['agent'],
  'kb-upload-defect': ['agent'],
  'kb-upload-empty': ['agent'],
  'kb-upload-multipart': ['agent'],
  'kb-list': ['agent', 'document'],
  'kb-list-defect': ['agent', 'document'],
  'kb-delete': ['agent', 'document'],
  'kb-delete-unknown': ['agent'],
  'kb-reindex': ['agent', 'document'],
  'kb-reindex-unknown': ['agent'],
  'list-invoices': ['invoice'],
  'list-invoices-defect': ['invoice'],
  'get-invoice': ['invoice'],
};

function credential(fake: FakeSaturn, placeholder: string): string {
  const role = (name: string) => fake.userToken({ role: name, userId: 'user-alice' });
  switch (placeholder) {
    case 'jwt:admin':
    case 'jwt:operator':
    case 'jwt:viewer':
      return role(placeholder.slice(4));
    case 'jwt:expired':
      return fake.userToken({ expiresInSeconds: -60 });
    case 'jwt:wrong-secret':
      return fake.userToken({ secret: 'not-the-server-secret' });
    case 'jwt:no-company':
      return fake.mintJwt({ user_id: 'user-alice', role: 'admin' });
    case 'key:chat':
      return fake.addApiKey({ scopes: ['chat:write'] });
    case 'key:admin':
      return fake.addApiKey({ scopes: ['*'] });
    case 'key:read-only':
      return fake.addApiKey({ scopes: ['agents:read'] });
    case 'key:unknown':
      return 'sk_live_not_registered_anywhere';
    default:
      throw new Error(`unknown credential placeholder ${placeholder}`);
  }
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

/** Generated ids (any `*_id` UUID except the company's) become `<uuid>` on both sides. */
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  if (
    typeof value === 'string' &&
    key.endsWith('_id') &&
    key !== 'company_id' &&
    UUID.test(value)
  ) {
    return '<uuid>';
  }
  return value;
}

describe('SATURN fixtures replayed against the fake', () => {
  it.each(files)('%s', async (file) => {
    const name = file.replace(/\.json$/, '');
    const fixture = load(file);
    const fake = await startFakeSaturn({
      companyId: COMPANY,
      detachedRowDefect: !defectOff.has(name),
    });
    onTestFinished(() => fake.close());
    for (const step of needs[name] ?? []) seed[step](fake);
    const headers: Record<string, string> = { ...fixture.request.headers };
    if (headers.authorization) {
      headers.authorization = headers.authorization.replace(/<([^>]+)>/, (_m, p: string) =>
        credential(fake, p),
      );
    }
    const { body } = fixture.request;
    if (body !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const response = await fetch(`${fake.url}${fixture.request.path}`, {
      method: fixture.request.method,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(fixture.response.status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toBe(
      fixture.response.headers['x-request-id'] ?? null,
    );
    expect(normalise(JSON.parse(text))).toEqual(normalise(fixture.response.body));
  });
});
