// docs/protocols/llama-orch.md §4 (Capabilities).
import * as v from 'valibot';
import { EngineSchema, IntegerSchema, WorkloadSchema } from './enums.js';

/** One engine in `GET /v1/capabilities` (`ctx_max` is required in v1, optional in v2). */
export const EngineCapabilitySchema = v.looseObject({
  engine: EngineSchema,
  ctx_max: v.optional(IntegerSchema),
  supported_workloads: v.optional(v.array(WorkloadSchema)),
  rate_limits: v.optional(v.record(v.string(), v.unknown())),
  features: v.optional(v.record(v.string(), v.unknown())),
});
/** One engine's capabilities. */
export type EngineCapability = v.InferOutput<typeof EngineCapabilitySchema>;

/** A model entry. No server sends it; applications may supply it (upstream design `ModelInfo`). */
export const ModelInfoSchema = v.looseObject({
  id: v.string(),
  digest: v.optional(v.string()),
  state: v.optional(v.string()),
});
/** A model entry. */
export type ModelInfo = v.InferOutput<typeof ModelInfoSchema>;

/** A pool entry. No server sends it; applications may supply it (upstream design `PoolInfo`). */
export const PoolInfoSchema = v.looseObject({
  id: v.string(),
  gpus: v.optional(v.array(v.unknown())),
});
/** A pool entry. */
export type PoolInfo = v.InferOutput<typeof PoolInfoSchema>;

/**
 * `GET /v1/capabilities` and `GET /v2/meta/capabilities`. `models` and `pools` are optional
 * because no server serves them; `api_version` is `"1.0.0"` on both builds, so it is not
 * compared with the contract version.
 */
export const CapabilitiesSchema = v.looseObject({
  api_version: v.string(),
  engines: v.array(EngineCapabilitySchema),
  models: v.optional(v.array(ModelInfoSchema)),
  pools: v.optional(v.array(PoolInfoSchema)),
});
/** The capabilities response. */
export type Capabilities = v.InferOutput<typeof CapabilitiesSchema>;
