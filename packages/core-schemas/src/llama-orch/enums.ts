// docs/protocols/llama-orch.md §4 and §5.1 (enums of the contract).
import * as v from 'valibot';

/** Engines named by the contract. */
export const ENGINES = ['llamacpp', 'vllm', 'tgi', 'triton'] as const;
/** An engine id (`llamacpp`, `vllm`, `tgi`, `triton`). */
export const EngineSchema = v.picklist(ENGINES);
/** An engine id. */
export type Engine = v.InferOutput<typeof EngineSchema>;

/** Workloads named by the contract. */
export const WORKLOADS = ['completion', 'embedding', 'rerank'] as const;
/** A workload kind (`completion`, `embedding`, `rerank`). */
export const WorkloadSchema = v.picklist(WORKLOADS);
/** A workload kind. */
export type Workload = v.InferOutput<typeof WorkloadSchema>;

/** Priority classes of the admission queue. */
export const PRIORITIES = ['interactive', 'batch'] as const;
/** A priority class (`interactive`, `batch`). */
export const PrioritySchema = v.picklist(PRIORITIES);
/** A priority class. */
export type Priority = v.InferOutput<typeof PrioritySchema>;

/** Determinism modes. */
export const DETERMINISM_MODES = ['strict', 'best_effort'] as const;
/** A determinism mode (`strict`, `best_effort`). Upstream treats `strict` as the default. */
export const DeterminismSchema = v.picklist(DETERMINISM_MODES);
/** A determinism mode. */
export type Determinism = v.InferOutput<typeof DeterminismSchema>;

/** KV-cache hints. */
export const KV_HINTS = ['reuse', 'cold'] as const;
/** A KV-cache hint (`reuse`, `cold`). */
export const KvHintSchema = v.picklist(KV_HINTS);
/** A KV-cache hint. */
export type KvHint = v.InferOutput<typeof KvHintSchema>;

/** Placement modes. */
export const PLACEMENT_MODES = ['pin', 'prefer', 'auto'] as const;
/** A placement mode (`pin`, `prefer`, `auto`). */
export const PlacementModeSchema = v.picklist(PLACEMENT_MODES);
/** A placement mode. */
export type PlacementMode = v.InferOutput<typeof PlacementModeSchema>;

/** An int32/int64 wire integer (JavaScript numbers are exact up to 2^53 − 1). */
export const IntegerSchema = v.pipe(v.number(), v.integer('Invalid number: expected an integer'));
