// docs/protocols/luml.md §4.4–§4.8, §5.3, §5.4, §7.2 and §17 (deployments)
import * as v from 'valibot';
import { JsonObjectSchema, TimestampSchema, UuidSchema } from './common.js';

/** Deployment status (closed: enforced by a database CHECK). */
export const DeploymentStatusSchema = v.picklist([
  'pending',
  'active',
  'failed',
  'deletion_pending',
  'deletion_failed',
  'not_responding',
]);
/** Deployment status. */
export type DeploymentStatus = v.InferOutput<typeof DeploymentStatusSchema>;

/** Every deployment status. */
export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = DeploymentStatusSchema.options;

/** Failure description used in task results and `deployment.error_message`. `error` may be absent. */
export const ErrorMessageSchema = v.looseObject({
  reason: v.string(),
  error: v.optional(v.string()),
});
/** Failure description. */
export type ErrorMessage = v.InferOutput<typeof ErrorMessageSchema>;

const StringMapSchema = v.record(v.string(), v.string());

/**
 * A deployment as the platform returns it. Unknown fields are kept.
 * `inference_url` is RELATIVE (`/deployments/{id}`): resolve it against the satellite's `base_url`.
 */
export const DeploymentSchema = v.looseObject({
  id: UuidSchema,
  orbit_id: UuidSchema,
  satellite_id: UuidSchema,
  /** Computed by the platform (subquery). */
  satellite_name: v.string(),
  name: v.string(),
  artifact_id: UuidSchema,
  /** Computed by the platform (subquery); the model file name, e.g. `model.luml`. */
  artifact_name: v.string(),
  collection_id: UuidSchema,
  inference_url: v.optional(v.nullable(v.string()), null),
  status: DeploymentStatusSchema,
  satellite_parameters: v.optional(
    v.record(v.string(), v.union([v.boolean(), v.number(), v.string()])),
    {},
  ),
  description: v.optional(v.nullable(v.string()), null),
  dynamic_attributes_secrets: v.optional(StringMapSchema, {}),
  env_variables_secrets: v.optional(StringMapSchema, {}),
  env_variables: v.optional(StringMapSchema, {}),
  schemas: v.optional(v.nullable(JsonObjectSchema), null),
  error_message: v.optional(v.nullable(ErrorMessageSchema), null),
  created_by_user: v.optional(v.nullable(v.string()), null),
  tags: v.optional(v.nullable(v.array(v.string())), null),
  created_at: TimestampSchema,
  updated_at: v.optional(v.nullable(TimestampSchema), null),
  /** @deprecated alias of `artifact_id`. */
  model_id: v.optional(UuidSchema),
  /** @deprecated alias of `artifact_name`. */
  model_artifact_name: v.optional(v.string()),
});
/** A deployment as the platform returns it. */
export type Deployment = v.InferOutput<typeof DeploymentSchema>;

const TagsSchema = v.pipe(
  v.array(v.pipe(v.string(), v.maxLength(64, 'Expected a tag of at most 64 characters'))),
  v.maxLength(50, 'Expected at most 50 tags'),
);

/**
 * Body of `PATCH /satellites/v1/deployments/{id}`. NOT a partial update on the wire: every
 * omitted field is stored as null, and a missing `status` is a 500, so `status` is required here.
 */
export const DeploymentUpdateSchema = v.strictObject({
  status: DeploymentStatusSchema,
  inference_url: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(2048)))),
  tags: v.optional(v.nullable(TagsSchema)),
  schemas: v.optional(v.nullable(JsonObjectSchema)),
  error_message: v.optional(v.nullable(ErrorMessageSchema)),
});
/** Body of the full deployment PATCH (`status` required). */
export type DeploymentUpdate = v.InferOutput<typeof DeploymentUpdateSchema>;

/** Body of `PATCH /satellites/v1/deployments/{id}/status`: a true status-only update. */
export const DeploymentStatusUpdateSchema = v.strictObject({ status: DeploymentStatusSchema });
/** Body of the status-only PATCH. */
export type DeploymentStatusUpdate = v.InferOutput<typeof DeploymentStatusUpdateSchema>;

/** User side: `DeploymentCreateIn`, body of `POST /v1/organizations/{org}/orbits/{orbit}/deployments`. */
export const DeploymentCreateRequestSchema = v.strictObject({
  satellite_id: UuidSchema,
  artifact_id: UuidSchema,
  name: v.pipe(v.string(), v.maxLength(100)),
  description: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000)))),
  satellite_parameters: v.optional(
    v.record(v.string(), v.union([v.boolean(), v.number(), v.string()])),
  ),
  env_variables: v.optional(StringMapSchema),
  tags: v.optional(v.nullable(TagsSchema)),
  env_variables_secrets: v.optional(v.record(v.string(), UuidSchema)),
  dynamic_attributes_secrets: v.optional(v.record(v.string(), UuidSchema)),
});
/** User side: body of deployment creation. */
export type DeploymentCreateRequest = v.InferOutput<typeof DeploymentCreateRequestSchema>;
