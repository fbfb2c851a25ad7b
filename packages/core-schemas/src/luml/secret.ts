// docs/protocols/luml.md §4.12 and §5.5 (orbit secrets)
import * as v from 'valibot';
import { TimestampSchema, UuidSchema } from './common.js';

/** An orbit secret, with its DECRYPTED `value`. Never log it. Unknown fields are kept. */
export const OrbitSecretSchema = v.looseObject({
  id: UuidSchema,
  orbit_id: UuidSchema,
  name: v.string(),
  value: v.string(),
  tags: v.optional(v.nullable(v.array(v.string())), null),
  created_at: TimestampSchema,
  updated_at: v.optional(v.nullable(TimestampSchema), null),
});
/** An orbit secret. */
export type OrbitSecret = v.InferOutput<typeof OrbitSecretSchema>;

/** Body of `POST /satellites/v1/deployments/inference-access`: a user `dfs_` key, ≤ 255 chars. */
export const InferenceAccessRequestSchema = v.strictObject({
  api_key: v.pipe(v.string(), v.maxLength(255, 'Expected an API key of at most 255 characters')),
});
/** Body of the inference-access check. */
export type InferenceAccessRequest = v.InferOutput<typeof InferenceAccessRequestSchema>;

/** Answer of the inference-access check; any failure is `{"authorized": false}`, never an error. */
export const InferenceAccessResponseSchema = v.looseObject({ authorized: v.boolean() });
/** Answer of the inference-access check. */
export type InferenceAccessResponse = v.InferOutput<typeof InferenceAccessResponseSchema>;
