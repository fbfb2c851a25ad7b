// docs/protocols/llama-orch.md §8 (sessions) and §9 (pool control).
import * as v from 'valibot';
import { IntegerSchema } from './enums.js';

/** `GET /v1/sessions/{id}`: every field optional. */
export const SessionInfoSchema = v.looseObject({
  ttl_ms_remaining: v.optional(IntegerSchema),
  turns: v.optional(IntegerSchema),
  kv_bytes: v.optional(IntegerSchema),
  kv_warmth: v.optional(v.boolean()),
  tokens_budget_remaining: v.optional(IntegerSchema),
  time_budget_remaining_ms: v.optional(IntegerSchema),
  cost_budget_remaining: v.optional(v.number()),
});
/** Session info. */
export type SessionInfo = v.InferOutput<typeof SessionInfoSchema>;

/** `GET /v1/pools/{id}/health`. The server adds `last_error` (string or null). */
export const PoolHealthSchema = v.looseObject({
  live: v.optional(v.boolean()),
  ready: v.optional(v.boolean()),
  draining: v.optional(v.boolean()),
  metrics: v.optional(v.record(v.string(), v.unknown())),
  last_error: v.optional(v.nullable(v.string())),
});
/** Pool health. */
export type PoolHealth = v.InferOutput<typeof PoolHealthSchema>;

/** Body of `POST …/pools/{id}/drain` (strict). */
export const DrainRequestSchema = v.strictObject({
  deadline_ms: IntegerSchema,
});
/** Drain request body. */
export type DrainRequest = v.InferOutput<typeof DrainRequestSchema>;

/** Body of `POST …/pools/{id}/reload` (strict). `"bad"` is the server's 409 sentinel. */
export const ReloadRequestSchema = v.strictObject({
  new_model_ref: v.string(),
});
/** Reload request body. */
export type ReloadRequest = v.InferOutput<typeof ReloadRequestSchema>;

/** Body of `POST …/pools/{id}/purge` (strict; v2 and contract only). */
export const PurgeRequestSchema = v.strictObject({
  purge_engine: v.optional(v.boolean()),
  purge_models: v.optional(v.array(v.string())),
  drain_first: v.optional(v.boolean()),
  delete_cache_dirs: v.optional(v.boolean()),
  force: v.optional(v.boolean()),
});
/** Purge request body. */
export type PurgeRequest = v.InferOutput<typeof PurgeRequestSchema>;

/** `GET /v2/meta/version` (contract only; not routed by the server). */
export const VersionInfoSchema = v.looseObject({
  api_version: v.string(),
  build_commit: v.optional(v.string()),
  build_time: v.optional(v.string()),
});
/** Version info. */
export type VersionInfo = v.InferOutput<typeof VersionInfoSchema>;
