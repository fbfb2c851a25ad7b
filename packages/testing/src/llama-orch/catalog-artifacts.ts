// docs/protocols/llama-orch.md §10 (catalog and artifacts, outside M1) and §11.3 (their 404s).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isObject } from '../http-io.js';
import { readAxumJson } from './axum-json.js';
import type { RouteContext } from './data-plane.js';
import { sendEmpty, sendJson, sendText } from './http-io.js';
import type { FakeLlamaOrchState } from './state.js';
import { JSON_VALUE, SET_STATE_REQUEST } from './wire-bodies.js';

/** The catalog's miss: `{"error":"not found"}`, not an envelope. */
const notFound = (res: ServerResponse): void => sendJson(res, 404, { error: 'not found' });

/**
 * `POST …/catalog/models`: the server takes any JSON (`serde_json::Value`) and only insists on
 * a non-empty string `id` (400 `{"error":"id required"}`); 201, empty body.
 */
export async function createCatalogModel(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readAxumJson<unknown>(req, JSON_VALUE);
  if (!body.ok) return sendText(res, body.status, body.text);
  const model = isObject(body.value) ? body.value : {};
  if (typeof model.id !== 'string' || model.id === '') {
    return sendJson(res, 400, { error: 'id required' });
  }
  state.catalog.set(model.id, { ...model });
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

/**
 * `POST …/catalog/models/{id}/state` `{state, deadline_ms?}`: 202. `state` is any string (the
 * server reads anything but `Retired` as `Active`).
 */
export async function setCatalogModelState(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteContext,
): Promise<void> {
  const body = await readAxumJson<{ state: string }>(req, SET_STATE_REQUEST);
  if (!body.ok) return sendText(res, body.status, body.text);
  const model = state.catalog.get(route.id);
  if (!model) return notFound(res);
  model.state = body.value.state === 'Retired' ? 'Retired' : 'Active';
  sendEmpty(res, 202);
}

/**
 * `POST …/artifacts`: any JSON document (`serde_json::Value`); 201
 * `{"id":"sha256:<hex>","kind":"doc"}` (the server's answer names every kind `doc`); the id is
 * the sha256 of the stored document.
 */
export async function createArtifact(
  state: FakeLlamaOrchState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readAxumJson<unknown>(req, JSON_VALUE);
  if (!body.ok) return sendText(res, body.status, body.text);
  const doc = body.value;
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
