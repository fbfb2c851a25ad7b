// docs/protocols/saturn.md §2.5 (the /sessions routes of the API document; not on the server)
import {
  type Session,
  type SessionList,
  SessionListSchema,
  type SessionMessageList,
  SessionMessageListSchema,
  SessionSchema,
} from '@uplink/core-schemas/saturn';
import * as v from 'valibot';
import { requireCapability } from './capabilities.js';
import { pageQuery } from './list-query.js';
import { OPERATIONS } from './operations.js';
import { type SaturnCaller, withMeta } from './saturn-caller.js';
import type { CallOptions, ListOptions, SaturnPage, SaturnResult } from './types.js';
import { checkId } from './validate-input.js';

/** Filters of `listSessions` (API document: `?agent_id&state&limit`). */
export interface ListSessionsOptions extends ListOptions {
  /** Only sessions of this agent. */
  agentId?: string | undefined;
  /** Only sessions in this state (`open`, `closed`, `archived`). */
  state?: string | undefined;
}

const seg = (id: string): string => encodeURIComponent(checkId('sessionId', id));
const AnyObject = v.looseObject({});

export async function listSessions(
  c: SaturnCaller,
  o: ListSessionsOptions,
): Promise<SaturnPage<SessionList>> {
  requireCapability(c.capabilities, 'sessions', 'listSessions');
  const query = {
    agent_id: o.agentId,
    state: o.state,
    ...pageQuery(c.capabilities, o, 'listSessions'),
  };
  const r = { method: 'GET', route: '/sessions', query } as const;
  const page = withMeta(await c.call(OPERATIONS.listSessions, r, SessionListSchema, o), true);
  return page as SaturnPage<SessionList>;
}

export async function getSession(
  c: SaturnCaller,
  id: string,
  o: CallOptions,
): Promise<SaturnResult<Session>> {
  requireCapability(c.capabilities, 'sessions', 'getSession');
  const r = { method: 'GET', route: `/sessions/${seg(id)}` } as const;
  return withMeta(await c.call(OPERATIONS.getSession, r, SessionSchema, o));
}

export async function listSessionMessages(
  c: SaturnCaller,
  id: string,
  o: ListOptions,
): Promise<SaturnPage<SessionMessageList>> {
  requireCapability(c.capabilities, 'sessions', 'listSessionMessages');
  const query = pageQuery(c.capabilities, o, 'listSessionMessages');
  const r = { method: 'GET', route: `/sessions/${seg(id)}/messages`, query } as const;
  const page = withMeta(
    await c.call(OPERATIONS.listSessionMessages, r, SessionMessageListSchema, o),
    true,
  );
  return page as SaturnPage<SessionMessageList>;
}

export async function closeSession(
  c: SaturnCaller,
  id: string,
  o: CallOptions,
): Promise<SaturnResult<Record<string, unknown>>> {
  requireCapability(c.capabilities, 'sessions', 'closeSession');
  const r = { method: 'POST', route: `/sessions/${seg(id)}/close` } as const;
  return withMeta(await c.call(OPERATIONS.closeSession, r, AnyObject, o));
}
