// docs/protocols/saturn.md §2.4 (tools)
import {
  type ToolAttachment,
  ToolAttachmentSchema,
  ToolAttachRequestSchema,
  type ToolCreated,
  ToolCreatedSchema,
  type ToolCreateRequest,
  ToolCreateRequestSchema,
  ToolDetachRequestSchema,
  type ToolList,
  ToolListSchema,
  ToolTestRequestSchema,
  type ToolTestResult,
  ToolTestResultSchema,
} from '@uplink/core-schemas/saturn';
import { pageQuery } from './list-query.js';
import { OPERATIONS } from './operations.js';
import { type SaturnCaller, withMeta } from './saturn-caller.js';
import type { CallOptions, ListOptions, SaturnPage, SaturnResult, WriteOptions } from './types.js';
import { checkBody, checkId } from './validate-input.js';

/** Options of `attachTool`. */
export interface AttachToolOptions extends CallOptions {
  /** The attachment's policy (`policy`, stored as sent). @default undefined */
  policy?: Record<string, unknown> | undefined;
}

const seg = (name: string, id: string): string => encodeURIComponent(checkId(name, id));

export async function createTool(
  c: SaturnCaller,
  tool: ToolCreateRequest,
  o: WriteOptions,
): Promise<SaturnResult<ToolCreated>> {
  const body = checkBody(ToolCreateRequestSchema, tool, 'tool');
  const r = { method: 'POST', route: '/tools', body } as const;
  return withMeta(await c.call(OPERATIONS.createTool, r, ToolCreatedSchema, o));
}

export async function listTools(c: SaturnCaller, o: ListOptions): Promise<SaturnPage<ToolList>> {
  const r = {
    method: 'GET',
    route: '/tools',
    query: pageQuery(c.capabilities, o, 'listTools'),
  } as const;
  return withMeta(
    await c.call(OPERATIONS.listTools, r, ToolListSchema, o),
    true,
  ) as SaturnPage<ToolList>;
}

export async function testTool(
  c: SaturnCaller,
  id: string,
  input: Record<string, unknown>,
  o: WriteOptions,
): Promise<SaturnResult<ToolTestResult>> {
  const path = `/tools/${seg('toolId', id)}/test`;
  const body = checkBody(ToolTestRequestSchema, { input }, 'test');
  const r = { method: 'POST', route: path, body } as const;
  return withMeta(await c.call(OPERATIONS.testTool, r, ToolTestResultSchema, o));
}

export async function attachTool(
  c: SaturnCaller,
  agentId: string,
  toolId: string,
  o: AttachToolOptions,
): Promise<SaturnResult<ToolAttachment>> {
  const path = `/agents/${seg('agentId', agentId)}/tools/attach`;
  const request = {
    tool_id: checkId('toolId', toolId),
    ...(o.policy === undefined ? {} : { policy: o.policy }),
  };
  const body = checkBody(ToolAttachRequestSchema, request, 'attach');
  const r = { method: 'POST', route: path, body } as const;
  return withMeta(await c.call(OPERATIONS.attachTool, r, ToolAttachmentSchema, o));
}

export async function detachTool(
  c: SaturnCaller,
  agentId: string,
  toolId: string,
  o: CallOptions,
): Promise<SaturnResult<ToolAttachment>> {
  const path = `/agents/${seg('agentId', agentId)}/tools/detach`;
  const body = checkBody(ToolDetachRequestSchema, { tool_id: checkId('toolId', toolId) }, 'detach');
  const r = { method: 'POST', route: path, body } as const;
  return withMeta(await c.call(OPERATIONS.detachTool, r, ToolAttachmentSchema, o));
}
