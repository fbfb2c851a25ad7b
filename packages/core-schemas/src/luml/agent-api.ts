// docs/protocols/luml.md §13 and §14 (satellite public API and model-server contract)
import * as v from 'valibot';
import { UuidSchema } from './common.js';

/** `GET /healthz` answer of a satellite (liveness only). */
export const SatelliteHealthSchema = v.looseObject({ status: v.string() });
/** `GET /healthz` answer of a satellite. */
export type SatelliteHealth = v.InferOutput<typeof SatelliteHealthSchema>;

/** One entry of the satellite's `GET /deployments` (locally registered deployments). */
export const LocalDeploymentSchema = v.looseObject({ deployment_id: UuidSchema });
/** One locally registered deployment. */
export type LocalDeployment = v.InferOutput<typeof LocalDeploymentSchema>;

/** Body forwarded to a model server's `POST /compute`. Other keys are model-specific. */
export const ComputeRequestSchema = v.looseObject({
  inputs: v.record(v.string(), v.unknown()),
  dynamic_attributes: v.optional(v.record(v.string(), v.unknown())),
});
/** Body forwarded to a model server's `/compute`. */
export type ComputeRequest = v.InferOutput<typeof ComputeRequestSchema>;

/** A model server's error body (`{"error": "..."}`). */
export const ComputeErrorSchema = v.looseObject({ error: v.string() });
/** A model server's error body. */
export type ComputeError = v.InferOutput<typeof ComputeErrorSchema>;
