// Every endpoint against the fake SATURN, under both mount points and with both credential kinds.
import { PermissionDeniedError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/index.js';
import { agentBody, clientFor, fakeSaturn, rejection } from './helpers.js';

const tool = {
  name: 'crm.create_lead',
  type: 'http',
  description: 'Create a lead',
  input_schema: {
    type: 'object',
    properties: { name: { type: 'string' } },
    required: ['name'],
  },
  config: { url: 'https://crm.example.com/leads' },
} as const;

describe.each([
  ['the root', ''],
  ['/api/v1', '/api/v1'],
] as const)('every endpoint, mounted at %s (defect off)', (_label, apiPrefix) => {
  it('identity, agents, tools, knowledge base, chat, usage and invoices', async () => {
    const fake = await fakeSaturn({ apiPrefix, detachedRowDefect: false });
    const client = clientFor(fake, fake.userToken({ role: 'admin', userId: 'u-1' }));
    const sentIds = () => fake.requests.map((r) => r.headers['x-request-id']);

    expect(await client.getHealth()).toEqual({ status: 'ok' });
    const me = await client.getMe();
    expect(me).toEqual({ user_id: 'u-1', role: 'admin', company_id: fake.companyId });
    expect(me.requestId).toBe(sentIds().at(-1));

    const created = await client.createAgent({
      ...agentBody,
      rag_config: { enabled: true, top_k: 2 },
    });
    expect(created.version).toBe(1);
    const agentId = created.agent_id;
    await client.createAgent({ ...agentBody, type: 'voice', status: 'disabled' });
    expect((await client.listAgents()).agents).toHaveLength(2);
    const voices = await client.listAgents({ type: 'voice' });
    expect(voices.agents.map((a) => a.type)).toEqual(['voice']);
    expect(voices.nextCursor).toBeUndefined();
    expect(fake.requests.at(-1)?.url).toBe(`${apiPrefix}/agents?type=voice`);
    expect(await client.getAgent(agentId)).toMatchObject({ name: 'Support bot', version: 1 });
    expect(await client.updateAgent(agentId, { name: 'Helper' })).toEqual({
      agent_id: agentId,
      version: 2,
    });
    expect(await client.updateAgent(agentId, {})).toEqual({ agent_id: agentId, version: 3 });

    const { tool_id } = await client.createTool(tool);
    expect((await client.listTools()).tools).toEqual([
      { tool_id, name: tool.name, type: 'http', description: tool.description, status: 'active' },
    ]);
    expect((await client.testTool(tool_id, { name: 'Ada' })).result).toEqual({
      status: 'ok',
      echo: { name: 'Ada' },
    });
    expect(await client.attachTool(agentId, tool_id, { policy: { daily_limit: 5 } })).toEqual({
      agent_id: agentId,
      tool_id,
    });
    expect(fake.state.attachments[0]?.policy).toEqual({ daily_limit: 5 });
    await client.detachTool(agentId, tool_id);
    expect(fake.state.attachments).toEqual([]);

    const doc = await client.uploadDocument(agentId, {
      filename: 'faq.md',
      content: 'We open at nine.\n\nWe close at five.',
    });
    expect(doc.status).toBe('ready');
    expect((await client.listDocuments(agentId)).documents).toEqual([
      { doc_id: doc.doc_id, filename: 'faq.md', status: 'ready', error_message: null },
    ]);
    expect(await client.reindexDocument(agentId, doc.doc_id)).toEqual({
      doc_id: doc.doc_id,
      status: 'ready',
    });

    const reply = await client.chat(agentId, { message: 'close at five', metadata: { a: 1 } });
    expect(reply).toMatchObject({
      reply: 'Echo: close at five',
      citations: [{ doc_id: doc.doc_id, title: 'faq.md', snippet: 'We close at five.' }],
      usage: { tokens_in: 3, tokens_out: 4, tool_calls: 0, kb_queries: 1 },
    });
    const next = await client.chat(agentId, { message: 'thanks', session_id: reply.session_id });
    expect(next.session_id).toBe(reply.session_id);

    expect(await client.deleteDocument(agentId, doc.doc_id)).toEqual({
      doc_id: doc.doc_id,
      status: 'deleted',
    });
    expect((await client.listDocuments(agentId)).documents).toEqual([]);

    const period = new Date().toISOString().slice(0, 7);
    const usage = await client.getUsageSummary(period);
    expect(usage).toMatchObject({ period, tokens_in: 4, tokens_out: 6, kb_queries: 2 });
    const generated = await client.generateInvoice('2025-12');
    const sent = fake.requests.at(-1);
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe(`${apiPrefix}/invoices/generate?period=2025-12`);
    expect(sent?.headers['content-type']).toBeUndefined();
    expect(generated).toMatchObject({ period_start: '2025-12-01', period_end: '2026-01-01' });
    const invoices = await client.listInvoices();
    expect(invoices.invoices.map((i) => i.invoice_id)).toContain(generated.invoice_id);
    const invoice = await client.getInvoice(generated.invoice_id);
    expect(invoice).toMatchObject({ currency: 'USD', status: 'draft', total: 0 });
    expect(invoice.line_items.map((l) => l.item)).toEqual(['tokens', 'calls', 'seconds']);

    expect(await client.disableAgent(agentId)).toEqual({ agent_id: agentId, version: 4 });
    expect(await client.disableAgent(agentId)).toEqual({ agent_id: agentId, version: 4 });

    // Each call sent its own X-Request-Id, and no call went out twice.
    const ids = sentIds();
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('an API key reads its own info and chats', async () => {
    const fake = await fakeSaturn({ apiPrefix, detachedRowDefect: false });
    const agent = fake.addAgent();
    const key = fake.addApiKey({ scopes: ['chat:write', 'agents:read'] });
    const client = clientFor(fake, key);
    expect(await client.getApiKeyInfo()).toEqual({
      company_id: fake.companyId,
      scopes: ['chat:write', 'agents:read'],
    });
    expect((await client.chat(agent.agent_id, 'hello there')).reply).toBe('Echo: hello there');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${key}`);
  });
});

describe('roles (docs/protocols/saturn.md §2.3)', () => {
  it.each([
    ['viewer', { read: true, writeAgents: false, chat: false, tools: false, billingWrite: false }],
    ['operator', { read: true, writeAgents: true, chat: true, tools: false, billingWrite: false }],
    ['admin', { read: true, writeAgents: true, chat: true, tools: true, billingWrite: true }],
  ] as const)('%s gets exactly its permissions', async (role, may) => {
    const fake = await fakeSaturn({ detachedRowDefect: false });
    const agent = fake.addAgent();
    const client = clientFor(fake, fake.userToken({ role }));
    const outcome = async (call: Promise<unknown>) => {
      try {
        await call;
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(PermissionDeniedError);
        expect((error as PermissionDeniedError).code).toBe('AUTH_FORBIDDEN');
        expect((error as Error).message).toContain(`role "${role}" lacks`);
        return false;
      }
    };
    expect(await outcome(client.listAgents())).toBe(may.read);
    expect(await outcome(client.listDocuments(agent.agent_id))).toBe(may.read);
    expect(await outcome(client.createAgent(agentBody))).toBe(may.writeAgents);
    expect(await outcome(client.chat(agent.agent_id, 'hi'))).toBe(may.chat);
    expect(await outcome(client.createTool(tool))).toBe(may.tools);
    expect(await outcome(client.generateInvoice('2025-12'))).toBe(may.billingWrite);
    expect(await outcome(client.getMe())).toBe(role === 'admin');
  });

  it('says which roles hold an admin-only permission', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken({ role: 'operator' }));
    const error = await rejection(client.createTool(tool));
    expect((error as Error).message).toBe(
      `SATURN 403 AUTH_FORBIDDEN on POST /tools: Access forbidden. role "operator" lacks tools:write (admin only) (request id ${(error as PermissionDeniedError).requestId})`,
    );
  });

  it('treats a JWT without role as viewer', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken({ role: undefined }));
    expect((await client.listAgents()).agents).toEqual([]);
    const error = await rejection(client.createAgent(agentBody));
    expect((error as Error).message).toContain(
      'the viewer role lacks agents:write (admin and operator)',
    );
  });
});

describe('request bodies and arguments are checked before sending', () => {
  it('refuses what SATURN would reject or silently ignore, naming each problem', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    const before = fake.requests.length;
    const bad: Promise<unknown>[] = [
      client.createAgent({ ...agentBody, type: 'robot' } as never),
      client.updateAgent('a', { type: 'voice' } as never),
      client.updateAgent('a', { rag_config: null } as never),
      client.getAgent(''),
      client.getUsageSummary('2025-13'),
      client.generateInvoice('December'),
      client.chat('a', { message: 'x', stream: true } as never),
      client.uploadDocument('a', { filename: 'f' } as never),
      client.createTool({ ...tool, type: 'grpc' } as never),
    ];
    for (const call of bad) expect(await rejection(call)).toBeInstanceOf(InvalidArgumentError);
    expect(fake.requests.length).toBe(before);
    const error = (await rejection(
      client.createAgent({ name: 'x', type: 'robot' } as never),
    )) as InvalidArgumentError;
    expect(error.problems.map((p) => p.setting)).toEqual([
      'agent.type',
      'agent.model_config',
      'agent.behavior_config',
    ]);
    expect(error.message).toMatch(/^Invalid arguments \(3 problems\):/);
  });

  it('encodes ids into a single path segment', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    await rejection(client.getAgent('a/b?c'));
    expect(fake.requests.at(-1)?.url).toBe('/agents/a%2Fb%3Fc');
  });
});
