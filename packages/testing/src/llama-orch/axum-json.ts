// docs/protocols/llama-orch.md §11.3: the server's `Json<T>` extractor (axum 0.7) and its plain-text
// rejections: 415 for a missing JSON content type, 413 past the 2 MiB body limit, 400 for bytes
// that are not JSON, 422 for JSON that does not fit the type.
import type { IncomingMessage } from 'node:http';
import { BodyReadError, readBody } from '../http-io.js';
import { deserializeBody, type SerdeType } from './serde-types.js';

/** axum's default body limit (`DefaultBodyLimit`). */
export const AXUM_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** A rejection as axum writes it: status and `text/plain` body. */
export interface JsonRejection {
  status: 400 | 413 | 415 | 422;
  text: string;
}

/** The extracted value, or the rejection to send. */
export type AxumJson<T> = { ok: true; value: T } | ({ ok: false } & JsonRejection);

/**
 * axum's content-type check: `application/json` or any `application/*+json`, parameters
 * allowed, names compared without case.
 */
export function isJsonContentType(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return false;
  const essence = (value.split(';')[0] ?? '').trim().toLowerCase();
  const match = /^([!#$%&'*+.^_`|~0-9a-z-]+)\/([!#$%&'*+.^_`|~0-9a-z-]+)$/.exec(essence);
  if (!match) return false;
  const [, type, subtype = ''] = match;
  return type === 'application' && (subtype === 'json' || subtype.endsWith('+json'));
}

/** Extract `Json<T>` from a request, answering like axum when it cannot. */
export async function readAxumJson<T>(req: IncomingMessage, type: SerdeType): Promise<AxumJson<T>> {
  if (!isJsonContentType(req.headers['content-type'])) {
    req.resume();
    return {
      ok: false,
      status: 415,
      text: 'Expected request with `Content-Type: application/json`',
    };
  }
  let bytes: Buffer;
  try {
    bytes = await readBody(req, AXUM_BODY_LIMIT_BYTES);
  } catch (error) {
    if (!(error instanceof BodyReadError)) throw error;
    req.resume();
    return {
      ok: false,
      status: 413,
      text: 'Failed to buffer the request body: length limit exceeded',
    };
  }
  const result = deserializeBody<T>(bytes, type);
  if (result.ok) return result;
  const { error } = result;
  return error.category === 'data'
    ? {
        ok: false,
        status: 422,
        text: `Failed to deserialize the JSON body into the target type: ${error.display()}`,
      }
    : {
        ok: false,
        status: 400,
        text: `Failed to parse the request body as JSON: ${error.display()}`,
      };
}
