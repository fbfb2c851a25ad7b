// docs/protocols/saturn.md §2.4 (knowledge base) and §2.6 (status progression, error quirks,
// writes that take effect before the defect fails the request)
import { findAgent } from './agent-routes.js';
import { requirePermission } from './auth.js';
import { SaturnFailure } from './http-io.js';
import type { SaturnContext, SaturnRoute } from './router.js';
import { detachedRead, type SaturnRuntime } from './runtime.js';
import type { FakeKbDocument } from './state.js';
import { KB_UPLOAD } from './validation.js';

/** Set a document's status, remembering the progression. */
function setStatus(
  doc: FakeKbDocument,
  status: string,
  errorMessage: string | null = doc.error_message,
): void {
  doc.status = status;
  doc.error_message = errorMessage;
  doc.history.push(status);
}

/**
 * Index `content` synchronously, as the server does inside the request: chunks are split at blank
 * lines; no chunk marks the document `failed` and raises `KB_INDEXING_FAILED` `Empty document`.
 */
export function indexDocument(doc: FakeKbDocument, content: string): void {
  const chunks = content
    .split('\n\n')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (chunks.length === 0) {
    setStatus(doc, 'failed', 'Empty document');
    throw new SaturnFailure('KB_INDEXING_FAILED', 'Empty document');
  }
  doc.chunks = chunks;
  setStatus(doc, 'ready', null);
}

function findDocument(
  runtime: SaturnRuntime,
  companyId: string,
  agentId: string,
  docId: string,
): FakeKbDocument {
  const doc = runtime.state.documents.get(docId);
  if (!doc || doc.company_id !== companyId || doc.agent_id !== agentId) {
    throw new SaturnFailure('KB_INDEXING_FAILED', 'Document not found');
  }
  return doc;
}

/** The answer of upload, delete and reindex, read back after the write (where the defect bites). */
function readBack(runtime: SaturnRuntime, doc: FakeKbDocument) {
  detachedRead(runtime, 'kb_documents');
  return { doc_id: doc.doc_id, status: doc.status };
}

function upload({ auth, body, params, runtime }: SaturnContext) {
  requirePermission(auth, 'kb:write', runtime.rolePermissions);
  const agentId = params.agent_id ?? '';
  findAgent(runtime, auth.company_id, agentId);
  const doc: FakeKbDocument = {
    doc_id: crypto.randomUUID(),
    company_id: auth.company_id,
    agent_id: agentId,
    filename: body.filename as string,
    status: 'indexing',
    error_message: null,
    chunks: [],
    history: ['indexing'],
  };
  runtime.state.documents.set(doc.doc_id, doc);
  indexDocument(doc, body.content as string);
  return readBack(runtime, doc);
}

function list({ auth, params, runtime }: SaturnContext) {
  requirePermission(auth, 'kb:read', runtime.rolePermissions);
  const agentId = params.agent_id ?? '';
  findAgent(runtime, auth.company_id, agentId);
  const docs = [...runtime.state.documents.values()].filter(
    (d) => d.company_id === auth.company_id && d.agent_id === agentId && d.status !== 'deleted',
  );
  if (docs.length > 0) detachedRead(runtime, 'kb_documents');
  return {
    documents: docs.map((d) => ({
      doc_id: d.doc_id,
      filename: d.filename,
      status: d.status,
      error_message: d.error_message,
    })),
  };
}

function remove({ auth, params, runtime }: SaturnContext) {
  requirePermission(auth, 'kb:write', runtime.rolePermissions);
  const agentId = params.agent_id ?? '';
  findAgent(runtime, auth.company_id, agentId);
  const doc = findDocument(runtime, auth.company_id, agentId, params.doc_id ?? '');
  setStatus(doc, 'deleted');
  return readBack(runtime, doc);
}

function reindex({ auth, params, runtime }: SaturnContext) {
  requirePermission(auth, 'kb:write', runtime.rolePermissions);
  const agentId = params.agent_id ?? '';
  findAgent(runtime, auth.company_id, agentId);
  const doc = findDocument(runtime, auth.company_id, agentId, params.doc_id ?? '');
  setStatus(doc, 'indexing');
  // The stored chunks are indexed again; a document without any is indexed from this text.
  indexDocument(doc, doc.chunks.join('\n\n') || 'Reindexed content');
  return readBack(runtime, doc);
}

/** `/agents/{agent_id}/kb...`: JWT only. */
export const kbRoutes: SaturnRoute[] = [
  {
    method: 'POST',
    path: '/agents/{agent_id}/kb/upload',
    credential: 'jwt',
    body: KB_UPLOAD,
    handler: upload,
  },
  { method: 'GET', path: '/agents/{agent_id}/kb', credential: 'jwt', handler: list },
  { method: 'DELETE', path: '/agents/{agent_id}/kb/{doc_id}', credential: 'jwt', handler: remove },
  {
    method: 'POST',
    path: '/agents/{agent_id}/kb/{doc_id}/reindex',
    credential: 'jwt',
    handler: reindex,
  },
];
