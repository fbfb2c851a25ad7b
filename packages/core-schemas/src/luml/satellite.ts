// docs/protocols/luml.md §4.1 (pairing) and §5.1 (Satellite)
import * as v from 'valibot';
import { CapabilitiesSchema, SatelliteCapabilitiesSchema } from './capabilities.js';
import { TimestampSchema, UuidSchema } from './common.js';

/** Derived satellite status: `inactive` (never seen), `error` (silent > 20 min), `active`. Unknown values are kept. */
export const SatelliteStatusSchema = v.union([
  v.picklist(['active', 'inactive', 'error']),
  v.string(),
]) as v.GenericSchema<'active' | 'inactive' | 'error' | (string & {})>;
/** Derived satellite status. */
export type SatelliteStatus = v.InferOutput<typeof SatelliteStatusSchema>;

/** A satellite as the platform returns it. Unknown fields are kept. */
export const SatelliteSchema = v.looseObject({
  id: UuidSchema,
  orbit_id: UuidSchema,
  name: v.optional(v.nullable(v.string()), null),
  description: v.optional(v.nullable(v.string()), null),
  base_url: v.optional(v.nullable(v.string()), null),
  paired: v.boolean(),
  capabilities: SatelliteCapabilitiesSchema,
  slug: v.optional(v.nullable(v.string()), null),
  created_at: TimestampSchema,
  updated_at: v.optional(v.nullable(TimestampSchema), null),
  last_seen_at: v.optional(v.nullable(TimestampSchema), null),
  status: SatelliteStatusSchema,
});
/** A satellite as the platform returns it. */
export type Satellite = v.InferOutput<typeof SatelliteSchema>;

/** Body of `POST /satellites/v1/pair` (strict: it is what we send). */
export const PairRequestSchema = v.strictObject({
  base_url: v.pipe(
    v.string(),
    v.url('Expected an http(s) URL'),
    v.regex(/^https?:\/\//iu, 'Expected an http(s) URL'),
  ),
  capabilities: CapabilitiesSchema,
  slug: v.optional(v.nullable(v.string())),
});
/** Body of `POST /satellites/v1/pair`. */
export type PairRequest = v.InferOutput<typeof PairRequestSchema>;

/** User side: body of `POST /v1/organizations/{org}/orbits/{orbit}/satellites`. */
export const SatelliteCreateRequestSchema = v.strictObject({
  name: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(100)))),
  description: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000)))),
});
/** User side: body of the satellite creation request. */
export type SatelliteCreateRequest = v.InferOutput<typeof SatelliteCreateRequestSchema>;

/** User side: answer to satellite creation; `api_key` (a `dfssat_` key) is shown only once. */
export const SatelliteCreateResponseSchema = v.looseObject({
  satellite: SatelliteSchema,
  api_key: v.string(),
});
/** User side: answer to satellite creation. */
export type SatelliteCreateResponse = v.InferOutput<typeof SatelliteCreateResponseSchema>;

/** User side: answer to `POST /satellites/{id}/api-key` (key rotation). */
export const SatelliteKeyRotateResponseSchema = v.looseObject({ key: v.string() });
/** User side: answer to key rotation. */
export type SatelliteKeyRotateResponse = v.InferOutput<typeof SatelliteKeyRotateResponseSchema>;
