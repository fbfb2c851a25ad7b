import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import { parseWire } from '../parse.js';
import * as saturn from './index.js';

const ID = '3b9d0c4e-5f1a-4b2c-8d3e-6f7a8b9c0d1e';
const agent = {
  agent_id: ID,
  company_id: 'c',
  name: 'Support bot',
  type: 'chat',
  status: 'active',
  model_config: {},
  behavior_config: {},
  memory_config: null,
  rag_config: null,
  tool_policy: null,
  channel_config: null,
  version: 1,
};
const create = { name: 'Bot', type: 'chat', model_config: {}, behavior_config: {} };
const tool = {
  name: 't',
  type: 'http',
  description: 'd',
  input_schema: { type: 'object' },
  config: {},
};
const usage = { tokens_in: 1, tokens_out: 1, tool_calls: 0, kb_queries: 0 };
const invoice = {
  invoice_id: ID,
  period_start: '2025-12-01',
  period_end: '2026-01-01',
  status: 'draft',
  currency: 'USD',
  total: 0,
  line_items: [],
};
const envelope = saturn.saturnEnvelope(saturn.AgentVersionSchema);

type Case = [name: string, schema: v.GenericSchema, input: unknown, path: string];

// Missing required fields, wrong types, nulls where none are allowed, unknown enum values in
// requests, unknown keys on strict request bodies, and envelopes without their members.
const corpus: Case[] = [
  ['envelope: no data', envelope, { meta: { request_id: 'r' } }, 'data'],
  ['envelope: data is null', envelope, { data: null, meta: { request_id: 'r' } }, 'data'],
  [
    'envelope: meta without request_id',
    envelope,
    { data: { agent_id: ID, version: 1 }, meta: {} },
    'meta.request_id',
  ],
  [
    'envelope: numeric next_cursor',
    envelope,
    { data: { agent_id: ID, version: 1 }, meta: { request_id: 'r', next_cursor: 5 } },
    'meta.next_cursor',
  ],
  ['envelope: version as text', envelope, { data: { agent_id: ID, version: '1' } }, 'data.version'],
  [
    'envelope: fractional version',
    envelope,
    { data: { agent_id: ID, version: 1.5 } },
    'data.version',
  ],
  ['error: no error member', saturn.ErrorEnvelopeSchema, { detail: 'Not Found' }, 'error'],
  ['error: code missing', saturn.ErrorEnvelopeSchema, { error: { message: 'm' } }, 'error.code'],
  [
    'error: numeric code',
    saturn.ErrorEnvelopeSchema,
    { error: { code: 500, message: 'm' } },
    'error.code',
  ],
  [
    'error: details array',
    saturn.ErrorEnvelopeSchema,
    { error: { code: 'X', message: 'm', details: [] } },
    'error.details',
  ],
  ['plain: numeric detail', saturn.PlainErrorSchema, { detail: 404 }, 'detail'],
  [
    'plain: issue without loc',
    saturn.PlainErrorSchema,
    { detail: [{ type: 'missing', msg: 'Field required' }] },
    'detail',
  ],
  [
    'agent: missing company_id',
    saturn.AgentSchema,
    { ...agent, company_id: undefined },
    'company_id',
  ],
  [
    'agent: model_config null',
    saturn.AgentSchema,
    { ...agent, model_config: null },
    'model_config',
  ],
  ['agent: rag_config array', saturn.AgentSchema, { ...agent, rag_config: [] }, 'rag_config'],
  ['agent list: bare array', saturn.AgentListSchema, [agent], 'agents'],
  [
    'agent list: bad item',
    saturn.AgentListSchema,
    { agents: [{ ...agent, version: null }] },
    'agents.0.version',
  ],
  [
    'create agent: missing type',
    saturn.AgentCreateRequestSchema,
    { ...create, type: undefined },
    'type',
  ],
  [
    'create agent: unknown type',
    saturn.AgentCreateRequestSchema,
    { ...create, type: 'robot' },
    'type',
  ],
  [
    'create agent: unknown status',
    saturn.AgentCreateRequestSchema,
    { ...create, status: 'paused' },
    'status',
  ],
  [
    'create agent: missing behavior_config',
    saturn.AgentCreateRequestSchema,
    { ...create, behavior_config: undefined },
    'behavior_config',
  ],
  [
    'create agent: model_config array',
    saturn.AgentCreateRequestSchema,
    { ...create, model_config: [] },
    'model_config',
  ],
  [
    'create agent: unknown key (strict)',
    saturn.AgentCreateRequestSchema,
    { ...create, company_id: 'x' },
    'company_id',
  ],
  ['update agent: type (strict)', saturn.AgentUpdateRequestSchema, { type: 'voice' }, 'type'],
  ['update agent: null name', saturn.AgentUpdateRequestSchema, { name: null }, 'name'],
  [
    'update agent: null rag_config',
    saturn.AgentUpdateRequestSchema,
    { rag_config: null },
    'rag_config',
  ],
  ['chat: missing message', saturn.ChatRequestSchema, { session_id: 's' }, 'message'],
  ['chat: metadata string', saturn.ChatRequestSchema, { message: 'm', metadata: 'x' }, 'metadata'],
  [
    'chat: unknown key (strict)',
    saturn.ChatRequestSchema,
    { message: 'm', stream: true },
    'stream',
  ],
  ['chat reply: missing usage', saturn.ChatReplySchema, { session_id: 's', reply: 'r' }, 'usage'],
  [
    'chat reply: text tokens',
    saturn.ChatReplySchema,
    { session_id: 's', reply: 'r', usage: { ...usage, tokens_in: '1' } },
    'usage.tokens_in',
  ],
  [
    'chat reply: citation without doc_id',
    saturn.ChatReplySchema,
    { session_id: 's', reply: 'r', usage, citations: [{ title: 't', snippet: 's' }] },
    'citations.0.doc_id',
  ],
  ['tool create: unknown type', saturn.ToolCreateRequestSchema, { ...tool, type: 'grpc' }, 'type'],
  [
    'tool create: missing config',
    saturn.ToolCreateRequestSchema,
    { ...tool, config: undefined },
    'config',
  ],
  [
    'tool create: unknown key (strict)',
    saturn.ToolCreateRequestSchema,
    { ...tool, secret: 'x' },
    'secret',
  ],
  [
    'tool list: missing status',
    saturn.ToolListSchema,
    { tools: [{ tool_id: ID, name: 'n', type: 'http', description: 'd' }] },
    'tools.0.status',
  ],
  ['tool test: input array', saturn.ToolTestRequestSchema, { input: [] }, 'input'],
  [
    'tool test result: no status',
    saturn.ToolTestResultSchema,
    { result: { echo: {} } },
    'result.status',
  ],
  ['attach: missing tool_id', saturn.ToolAttachRequestSchema, { policy: {} }, 'tool_id'],
  [
    'detach: policy (strict)',
    saturn.ToolDetachRequestSchema,
    { tool_id: ID, policy: {} },
    'policy',
  ],
  ['upload: missing content', saturn.KbUploadRequestSchema, { filename: 'f' }, 'content'],
  [
    'upload: content as bytes',
    saturn.KbUploadRequestSchema,
    { filename: 'f', content: [104, 105] },
    'content',
  ],
  [
    'document: missing filename',
    saturn.KbDocumentListSchema,
    { documents: [{ doc_id: ID, status: 'ready' }] },
    'documents.0.filename',
  ],
  ['document status: numeric', saturn.KbDocumentStatusSchema, { doc_id: ID, status: 1 }, 'status'],
  [
    'usage: cost as text',
    saturn.UsageSummarySchema,
    { period: '2025-12', ...usage, estimated_cost: '0.00' },
    'estimated_cost',
  ],
  [
    'invoice: period_start as a timestamp',
    saturn.InvoiceSchema,
    { ...invoice, period_start: '2025-12-01T00:00:00' },
    'period_start',
  ],
  [
    'invoice: numeric line quantity',
    saturn.InvoiceSchema,
    { ...invoice, line_items: [{ item: 'calls', quantity: 3, unit_price: '0.01' }] },
    'line_items.0.quantity',
  ],
  [
    'invoice list: missing total',
    saturn.InvoiceListSchema,
    { invoices: [{ ...invoice, total: undefined }] },
    'invoices.0.total',
  ],
  ['me: missing company_id', saturn.MeSchema, { user_id: 'u', role: 'admin' }, 'company_id'],
  ['api key: scopes string', saturn.ApiKeyInfoSchema, { company_id: 'c', scopes: '*' }, 'scopes'],
  ['period: month 13', saturn.PeriodSchema, '2025-13', ''],
  ['session list: missing sessions', saturn.SessionListSchema, { items: [] }, 'sessions'],
  ['chat stream event: no type', saturn.ChatStreamEventSchema, { token: 'a' }, 'type'],
];

describe('SATURN malformed corpus', () => {
  it.each(corpus)('%s -> rejected at the expected path', (_name, schema, input, path) => {
    const result = v.safeParse(schema, input);
    expect(result.success).toBe(false);
    expect(v.getDotPath(result.issues?.[0] as v.BaseIssue<unknown>) ?? '').toBe(path);
    const error = (() => {
      try {
        parseWire(schema, input, 'SATURN body');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe(path);
    expect((error as Error).message).toMatch(/^Invalid SATURN body: at /);
  });

  it('explains why a PATCH may not send null', () => {
    const result = v.safeParse(saturn.AgentUpdateRequestSchema, { tool_policy: null });
    expect(result.issues?.[0]?.message).toBe(
      'tool_policy: null is ignored by SATURN (PATCH cannot clear a field); leave the key out',
    );
  });
});
