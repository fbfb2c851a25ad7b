// docs/protocols/saturn.md §2.4 (health, identity, agents, chat)
import {
  type Agent,
  type AgentCreateRequest,
  AgentCreateRequestSchema,
  type AgentList,
  AgentListSchema,
  AgentSchema,
  type AgentUpdateRequest,
  AgentUpdateRequestSchema,
  type AgentVersion,
  AgentVersionSchema,
  type ApiKeyInfo,
  ApiKeyInfoSchema,
  type ChatReply,
  ChatReplySchema,
  type ChatRequest,
  ChatRequestSchema,
  type Health,
  HealthSchema,
  type Me,
  MeSchema,
} from '@uplink/core-schemas/saturn';
import { pageQuery } from './list-query.js';
import { OPERATIONS } from './operations.js';
import { type SaturnCaller, withMeta } from './saturn-caller.js';
import type { CallOptions, ListOptions, SaturnPage, SaturnResult, WriteOptions } from './types.js';
import { checkBody, checkId } from './validate-input.js';

/** Filters of `listAgents` (exact match; SATURN ignores empty ones). */
export interface ListAgentsOptions extends ListOptions {
  /** Only agents of this type (`chat`, `voice`, `task`). */
  type?: string | undefined;
  /** Only agents with this status (`active`, `disabled`). */
  status?: string | undefined;
}

const seg = (name: string, id: string): string => encodeURIComponent(checkId(name, id));

export async function getHealth(c: SaturnCaller, o: CallOptions): Promise<SaturnResult<Health>> {
  const r = { method: 'GET', route: '/health' } as const;
  return withMeta(await c.call(OPERATIONS.getHealth, r, HealthSchema, o));
}

export async function getMe(c: SaturnCaller, o: CallOptions): Promise<SaturnResult<Me>> {
  const r = { method: 'GET', route: '/auth/me' } as const;
  return withMeta(await c.call(OPERATIONS.getMe, r, MeSchema, o));
}

export async function getApiKeyInfo(
  c: SaturnCaller,
  o: CallOptions,
): Promise<SaturnResult<ApiKeyInfo>> {
  const r = { method: 'GET', route: '/auth/api-key' } as const;
  return withMeta(await c.call(OPERATIONS.getApiKeyInfo, r, ApiKeyInfoSchema, o));
}

export async function createAgent(
  c: SaturnCaller,
  agent: AgentCreateRequest,
  o: WriteOptions,
): Promise<SaturnResult<AgentVersion>> {
  const body = checkBody(AgentCreateRequestSchema, agent, 'agent');
  const r = { method: 'POST', route: '/agents', body } as const;
  return withMeta(await c.call(OPERATIONS.createAgent, r, AgentVersionSchema, o));
}

export async function listAgents(
  c: SaturnCaller,
  o: ListAgentsOptions,
): Promise<SaturnPage<AgentList>> {
  const query = { type: o.type, status: o.status, ...pageQuery(c.capabilities, o, 'listAgents') };
  const r = { method: 'GET', route: '/agents', query } as const;
  return withMeta(
    await c.call(OPERATIONS.listAgents, r, AgentListSchema, o),
    true,
  ) as SaturnPage<AgentList>;
}

export async function getAgent(
  c: SaturnCaller,
  id: string,
  o: CallOptions,
): Promise<SaturnResult<Agent>> {
  const r = { method: 'GET', route: `/agents/${seg('agentId', id)}` } as const;
  return withMeta(await c.call(OPERATIONS.getAgent, r, AgentSchema, o));
}

export async function updateAgent(
  c: SaturnCaller,
  id: string,
  patch: AgentUpdateRequest,
  o: WriteOptions,
): Promise<SaturnResult<AgentVersion>> {
  const path = `/agents/${seg('agentId', id)}`;
  const body = checkBody(AgentUpdateRequestSchema, patch, 'patch');
  const r = { method: 'PATCH', route: path, body } as const;
  return withMeta(await c.call(OPERATIONS.updateAgent, r, AgentVersionSchema, o));
}

export async function disableAgent(
  c: SaturnCaller,
  id: string,
  o: CallOptions,
): Promise<SaturnResult<AgentVersion>> {
  const r = { method: 'POST', route: `/agents/${seg('agentId', id)}/disable` } as const;
  return withMeta(await c.call(OPERATIONS.disableAgent, r, AgentVersionSchema, o));
}

export async function chat(
  c: SaturnCaller,
  id: string,
  request: ChatRequest | string,
  o: WriteOptions,
): Promise<SaturnResult<ChatReply>> {
  const path = `/agents/${seg('agentId', id)}/chat`;
  const body = checkBody(
    ChatRequestSchema,
    typeof request === 'string' ? { message: request } : request,
    'request',
  );
  const r = { method: 'POST', route: path, body } as const;
  return withMeta(await c.call(OPERATIONS.chat, r, ChatReplySchema, o));
}
