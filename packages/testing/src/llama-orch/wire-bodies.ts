// docs/protocols/llama-orch.md §5.1, §9, §10: the Rust types the server deserializes request bodies into,
// field order and `#[serde(default)]` included (they decide which error serde reports first).
import type { SerdeField, SerdeType } from './serde-types.js';

const string: SerdeType = { kind: 'string' };
const i32: SerdeType = { kind: 'int', name: 'i32' };
const i64: SerdeType = { kind: 'int', name: 'i64' };
const option = (of: SerdeType): SerdeType => ({ kind: 'option', of });
const unitEnum = (name: string, ...variants: string[]): SerdeType => ({
  kind: 'enum',
  name,
  variants,
});
/** `#[serde(default)] Option<T>`: absent is `None`, also at the end of the sequence form. */
const defaulted = (name: string, type: SerdeType): SerdeField => ({
  name,
  type: option(type),
  default: () => undefined,
});
const required = (name: string, type: SerdeType): SerdeField => ({ name, type });

/** `PlacementOverrides`. */
export const PLACEMENT_OVERRIDES: SerdeType = {
  kind: 'struct',
  name: 'PlacementOverrides',
  fields: [
    defaulted('mode', unitEnum('PlacementMode', 'pin', 'prefer', 'auto')),
    defaulted('pin_pool_id', string),
    defaulted('prefer_pools', { kind: 'vec', of: string }),
    defaulted('avoid_pools', { kind: 'vec', of: string }),
    defaulted('require_device_mask', string),
    { name: 'allow_fallback', type: { kind: 'bool' }, default: () => true },
  ],
};

/** `TaskRequest` (`POST …/tasks`). */
export const TASK_REQUEST: SerdeType = {
  kind: 'struct',
  name: 'TaskRequest',
  fields: [
    required('task_id', string),
    required('session_id', string),
    required('workload', unitEnum('Workload', 'completion', 'embedding', 'rerank')),
    required('model_ref', string),
    required('engine', unitEnum('Engine', 'llamacpp', 'vllm', 'tgi', 'triton')),
    required('ctx', i32),
    required('priority', unitEnum('Priority', 'interactive', 'batch')),
    defaulted('seed', i64),
    defaulted('determinism', unitEnum('DeterminismLevel', 'strict', 'best_effort')),
    defaulted('sampler_profile_version', string),
    defaulted('prompt', string),
    defaulted('inputs', { kind: 'vec', of: string }),
    required('max_tokens', i32),
    required('deadline_ms', i64),
    defaulted('expected_tokens', i32),
    defaulted('kv_hint', unitEnum('KVHint', 'reuse', 'cold')),
    defaulted('placement', PLACEMENT_OVERRIDES),
  ],
};

/** `DrainRequest` (`POST …/pools/{id}/drain`). */
export const DRAIN_REQUEST: SerdeType = {
  kind: 'struct',
  name: 'DrainRequest',
  fields: [required('deadline_ms', i64)],
};

/** `ReloadRequest` (`POST …/pools/{id}/reload`). */
export const RELOAD_REQUEST: SerdeType = {
  kind: 'struct',
  name: 'ReloadRequest',
  fields: [required('new_model_ref', string)],
};

/** `SetStateRequest` (`POST …/catalog/models/{id}/state`): any string is a state. */
export const SET_STATE_REQUEST: SerdeType = {
  kind: 'struct',
  name: 'SetStateRequest',
  fields: [required('state', string), { name: 'deadline_ms', type: option(i64) }],
};

/** `RegisterWorkerBody` (`POST …/workers/register`, read as `Option<Json<_>>`). */
export const REGISTER_WORKER_BODY: SerdeType = {
  kind: 'struct',
  name: 'RegisterWorkerBody',
  fields: [
    { name: 'pool_id', type: option(string) },
    { name: 'replica_id', type: option(string) },
  ],
};

/** `serde_json::Value` (catalog models and artifacts take any JSON). */
export const JSON_VALUE: SerdeType = { kind: 'value' };
