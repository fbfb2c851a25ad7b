// docs/protocols/saturn.md §2.4 (knowledge base: upload, list, delete, reindex)
import * as v from 'valibot';

/**
 * Document statuses: `uploaded` (column default, not created by the API), `indexing`, `ready`,
 * `failed`, `deleted`. Responses read `status` as an open string.
 */
export const KB_DOCUMENT_STATUSES = ['uploaded', 'indexing', 'ready', 'failed', 'deleted'] as const;

/** A known document status. */
export type KbDocumentStatusValue = (typeof KB_DOCUMENT_STATUSES)[number];

/** `POST /agents/{id}/kb/upload` body: JSON, not multipart. Strict. */
export const KbUploadRequestSchema = v.strictObject({
  filename: v.string(),
  content: v.string(),
});

/** Upload body. */
export type KbUploadRequest = v.InferOutput<typeof KbUploadRequestSchema>;

/** Upload, delete and reindex data: `{doc_id, status}`. */
export const KbDocumentStatusSchema = v.looseObject({
  doc_id: v.string(),
  status: v.string(),
});

/** `{doc_id, status}`. */
export type KbDocumentStatus = v.InferOutput<typeof KbDocumentStatusSchema>;

/** One document in `GET /agents/{id}/kb`. */
export const KbDocumentSchema = v.looseObject({
  doc_id: v.string(),
  filename: v.string(),
  status: v.string(),
  error_message: v.nullish(v.string()),
});

/** One listed document. */
export type KbDocument = v.InferOutput<typeof KbDocumentSchema>;

/** `GET /agents/{id}/kb` data (deleted documents are left out). */
export const KbDocumentListSchema = v.looseObject({ documents: v.array(KbDocumentSchema) });

/** `GET /agents/{id}/kb` data. */
export type KbDocumentList = v.InferOutput<typeof KbDocumentListSchema>;
