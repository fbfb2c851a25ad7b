// docs/protocols/luml.md §1 (error bodies) and §2 (authentication answers)

import type { Presigner } from './artifact-storage.js';
import { readCredential } from './credentials.js';
import { BodyReadError, sendDetail, sendJson } from './http-io.js';
import type { LumlState } from './platform-state.js';
import { checkBody, type FieldSpec, type ValidationIssue } from './request-validation.js';
import type { RouteContext } from './router.js';
import { PlatformError, type SatelliteRecord } from './state-types.js';

/** Quirks of the real platform that can be turned off (each defaults to on, as upstream). */
export interface LumlQuirks {
  /**
   * `PATCH /satellites/v1/deployments/{id}` stores null for every omitted field (§18.1).
   * @default true
   */
  patchNullsOmittedFields?: boolean;
  /**
   * `PATCH /satellites/v1/deployments/{id}` without `status` answers a plain-text 500 (§18.2).
   * @default true
   */
  patchWithoutStatusFails?: boolean;
}

/** What every route module needs from the running fake. */
export interface FakeContext {
  state: LumlState;
  presigner: Presigner;
  /** The server's origin, `http://127.0.0.1:<port>`. */
  origin(): string;
  quirks: Required<LumlQuirks>;
  /** When set, minting artifact URLs fails with this reason (400, §4.10). */
  storageFailure?: string | undefined;
}

/** Answer 422 with FastAPI's list form when there are issues; true when answered. */
export function rejectInvalid(ctx: RouteContext, issues: ValidationIssue[]): boolean {
  if (issues.length === 0) return false;
  sendJson(ctx.res, 422, { detail: issues });
  return true;
}

/** Turn a {@link PlatformError} (or an oversized body) into the platform's error answer. */
export async function guarded(ctx: RouteContext, run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof PlatformError) return sendDetail(ctx.res, error.status, error.detail);
    if (error instanceof BodyReadError) return sendDetail(ctx.res, error.status, error.message);
    throw error;
  }
}

/**
 * Satellite auth for `/satellites/v1/*`: a known `dfssat_` key passes (and is a heartbeat);
 * a valid user credential is 403; anything else 401. Answers and returns undefined on failure.
 */
export function authenticateSatellite(
  ctx: RouteContext,
  fake: FakeContext,
): SatelliteRecord | undefined {
  const credential = readCredential(ctx.req);
  if (credential.kind === 'satellite') {
    const id = fake.state.satelliteKeys.get(credential.token);
    const record = id === undefined ? undefined : fake.state.satellites.get(id);
    if (record) {
      fake.state.touch(record.id);
      ctx.record.satelliteId = record.id;
      return record;
    }
  } else if (credential.kind !== 'none' && fake.state.userKeys.has(credential.token)) {
    sendDetail(ctx.res, 403, 'This endpoint requires satellite authentication.');
    return undefined;
  }
  sendDetail(ctx.res, 401, 'Not authenticated');
  return undefined;
}

/** User auth for `/v1/organizations/...`: a known `dfs_` key or JWT; a satellite key is 403. */
export function authenticateUser(ctx: RouteContext, fake: FakeContext): boolean {
  const credential = readCredential(ctx.req);
  if (credential.kind === 'satellite' && fake.state.satelliteKeys.has(credential.token)) {
    sendDetail(ctx.res, 403, 'This endpoint requires jwt, api_key authentication.');
    return false;
  }
  if (
    (credential.kind === 'user-key' || credential.kind === 'jwt') &&
    fake.state.userKeys.has(credential.token)
  )
    return true;
  sendDetail(ctx.res, 401, 'Not authenticated');
  return false;
}

/**
 * Read the JSON body and check it against `fields`, adding to `issues` (path problems found
 * earlier are reported together, as FastAPI does). Malformed JSON is answered at once with
 * only the `json_invalid` issue, as FastAPI fails before any other validation; then this
 * returns undefined.
 */
export async function readFields(
  ctx: RouteContext,
  issues: ValidationIssue[],
  fields: Record<string, FieldSpec>,
): Promise<Record<string, unknown> | undefined> {
  const jsonIssues: ValidationIssue[] = [];
  const body = await ctx.readJson(jsonIssues);
  if (rejectInvalid(ctx, jsonIssues)) return undefined;
  return checkBody(body, fields, issues);
}
