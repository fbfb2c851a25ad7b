// docs/protocols/saturn.md §2.4 (knowledge base)
import {
  type KbDocumentList,
  KbDocumentListSchema,
  type KbDocumentStatus,
  KbDocumentStatusSchema,
  type KbUploadRequest,
  KbUploadRequestSchema,
} from '@uplink/core-schemas/saturn';
import { pageQuery } from './list-query.js';
import { OPERATIONS } from './operations.js';
import { type SaturnCaller, withMeta } from './saturn-caller.js';
import type { CallOptions, ListOptions, SaturnPage, SaturnResult, WriteOptions } from './types.js';
import { checkBody, checkId } from './validate-input.js';

const seg = (name: string, id: string): string => encodeURIComponent(checkId(name, id));
const kb = (agentId: string): string => `/agents/${seg('agentId', agentId)}/kb`;

export async function uploadDocument(
  c: SaturnCaller,
  agentId: string,
  document: KbUploadRequest,
  o: WriteOptions,
): Promise<SaturnResult<KbDocumentStatus>> {
  const path = `${kb(agentId)}/upload`;
  const body = checkBody(KbUploadRequestSchema, document, 'document');
  const r = { method: 'POST', route: path, body } as const;
  return withMeta(await c.call(OPERATIONS.uploadDocument, r, KbDocumentStatusSchema, o));
}

export async function listDocuments(
  c: SaturnCaller,
  agentId: string,
  o: ListOptions,
): Promise<SaturnPage<KbDocumentList>> {
  const r = {
    method: 'GET',
    route: kb(agentId),
    query: pageQuery(c.capabilities, o, 'listDocuments'),
  } as const;
  const page = withMeta(await c.call(OPERATIONS.listDocuments, r, KbDocumentListSchema, o), true);
  return page as SaturnPage<KbDocumentList>;
}

export async function deleteDocument(
  c: SaturnCaller,
  agentId: string,
  docId: string,
  o: CallOptions,
): Promise<SaturnResult<KbDocumentStatus>> {
  const r = { method: 'DELETE', route: `${kb(agentId)}/${seg('docId', docId)}` } as const;
  return withMeta(await c.call(OPERATIONS.deleteDocument, r, KbDocumentStatusSchema, o));
}

export async function reindexDocument(
  c: SaturnCaller,
  agentId: string,
  docId: string,
  o: CallOptions,
): Promise<SaturnResult<KbDocumentStatus>> {
  const r = { method: 'POST', route: `${kb(agentId)}/${seg('docId', docId)}/reindex` } as const;
  return withMeta(await c.call(OPERATIONS.reindexDocument, r, KbDocumentStatusSchema, o));
}
