// docs/protocols/llama-orch.md §10 (catalog and artifacts, outside M1) and §11.3 (their 404s).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteContext } from './data-plane.js';
import { readJsonBody, sendEmpty, sendJson, sendText } from './http-io.js';
import type { FakeLlamaOrchState } from './state.js';

const ARTIFACT_KINDS = ['plan', 'summary', 'diff', 'trace', 'other'];
const MODEL_STATES = ['Active', 'Retired'];

/** The catalog's miss: `{"error":"not found"}`, not an envelope. */
const notFound = (res: ServerResponse): void => sendJson(res, 404, { error: 'not found' });

/** Read a JSON object body, answering 400/415/422 (plain text, like axum) when it is not one. */
async function readObject(
  req: IncomingMessage,
  res: ServerResponse,
  required: Record<string, (value: unknown) => boolean>,
): Promise<Record<string, unknown> | undefined> {
  const body = await readJsonBody(req);
  if (!body.ok) {
    sendText(res, body.status, body.text);
    return undefined;
  }
  const value = body.value;
  const object =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const bad = Object.entries(required).find(([field, check]) => !check(object?.[field]));
  if (!object || bad) {
    sendText(
      res,
      422,
      `Failed to deserialize the JSON body into the target type: ${bad?.[0] ?? 'body'}: invalid or missing`,
    );
    return undefined;
  }
  return object;
}

const isString = (value: unknown): boolean => typeof value === 'string' && value !== '';

/** `POST …/catalog/models` `{id, digest, ...}`: 201, empty body. */
export async function createCatalogModel(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const model = await readObject(req, res, { id: isString, digest: isString });
  if (!model) return;
  state.catalog.set(model.id as string, { ...model });
  sendEmpty(res, 201);
}

/** `GET …/catalog/models/{id}`: 200 with the entry, or 404 `{"error":"not found"}`. */
export function getCatalogModel(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  const model = state.catalog.get(route.id);
  if (model) sendJson(res, 200, model);
  else notFound(res);
}

/** `DELETE …/catalog/models/{id}`: 204, or 404 `{"error":"not found"}`. */
export function deleteCatalogModel(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  if (state.catalog.delete(route.id)) sendEmpty(res, 204);
  else notFound(res);
}

/** `POST …/catalog/models/{id}/verify`: 202 `{"status":"started"}`. */
export function verifyCatalogModel(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  if (state.catalog.has(route.id)) sendJson(res, 202, { status: 'started' });
  else notFound(res);
}

/** `POST …/catalog/models/{id}/state` `{state: "Active"|"Retired", deadline_ms?}`: 202. */
export async function setCatalogModelState(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteContext,
): Promise<void> {
  const body = await readObject(req, res, {
    state: (value) => MODEL_STATES.includes(value as string),
  });
  if (!body) return;
  const model = state.catalog.get(route.id);
  if (!model) return notFound(res);
  model.state = body.state;
  sendEmpty(res, 202);
}

/**
 * `POST …/artifacts` `{kind, content, ...}`: 201 `{"id":"sha256:<hex>","kind":"doc"}` (the
 * server's answer names every kind `doc`); the id is the sha256 of the stored document.
 */
export async function createArtifact(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const doc = await readObject(req, res, {
    kind: (value) => ARTIFACT_KINDS.includes(value as string),
    content: (value) => value !== undefined,
  });
  if (!doc) return;
  const id = `sha256:${createHash('sha256').update(JSON.stringify(doc)).digest('hex')}`;
  state.artifacts.set(id, doc);
  sendJson(res, 201, { id, kind: 'doc' });
}

/** `GET …/artifacts/{id}`: 200 with the stored document, or 404 with an empty body. */
export function getArtifact(
  state: FakeLlamaOrchState,
  res: ServerResponse,
  route: RouteContext,
): void {
  const doc = state.artifacts.get(route.id);
  if (doc === undefined) sendEmpty(res, 404);
  else sendJson(res, 200, doc);
}
