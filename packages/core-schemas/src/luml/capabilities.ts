// docs/protocols/luml.md §6 (capabilities and the form-spec DSL)
import * as v from 'valibot';

/** Kinds of form field the LUML UI can render. */
export const SatelliteFieldTypeSchema = v.picklist(['boolean', 'dropdown', 'text', 'number']);
/** Kinds of form field the LUML UI can render. */
export type SatelliteFieldType = v.InferOutput<typeof SatelliteFieldTypeSchema>;

/** A field validator. Extra keys (the reference agent's `message`) are kept. */
export const FieldValidatorSchema = v.looseObject({
  type: v.picklist(['min', 'max', 'regex', 'equal', 'in', 'notEqual']),
  value: v.unknown(),
});
/** A field validator. */
export type FieldValidator = v.InferOutput<typeof FieldValidatorSchema>;

/** Body of a `field` condition: compares another field of the same form. */
export const FieldConditionBodySchema = v.looseObject({
  field: v.string(),
  operator: v.picklist(['includes', 'notIncludes', 'equal', 'notEqual', 'gt', 'gte', 'lt', 'lte']),
  value: v.optional(v.unknown()),
});
/** Body of a `field` condition. */
export type FieldConditionBody = v.InferOutput<typeof FieldConditionBodySchema>;

/**
 * Body of a `model` condition: tests the selected artifact's manifest (`tags`, `version`,
 * `variant`; operators `includes|notIncludes|eq|neq`). Any other field makes the condition
 * fail at evaluation time, so `field` is an open string here.
 */
export const ModelConditionBodySchema = v.looseObject({
  field: v.string(),
  operator: v.picklist(['includes', 'notIncludes', 'eq', 'neq']),
  value: v.optional(v.unknown()),
});
/** Body of a `model` condition. */
export type ModelConditionBody = v.InferOutput<typeof ModelConditionBodySchema>;

/** A visibility condition; a nested list is evaluated recursively as AND. */
export interface FieldCondition {
  /** `field` compares another form field, `model` the artifact manifest. */
  type: 'field' | 'model';
  /** One condition body, or nested conditions that must all hold. */
  body: FieldConditionBody | ModelConditionBody | FieldCondition[];
  [key: string]: unknown;
}

/** A visibility condition (recursive). */
export const FieldConditionSchema: v.GenericSchema<FieldCondition> = v.looseObject({
  type: v.picklist(['field', 'model']),
  body: v.union([
    v.lazy(() => v.array(FieldConditionSchema)),
    FieldConditionBodySchema,
    ModelConditionBodySchema,
  ]),
}) as v.GenericSchema<FieldCondition>;

/** One dropdown option. */
export const FieldOptionSchema = v.looseObject({
  label: v.string(),
  value: v.union([v.string(), v.number()]),
});
/** One dropdown option. */
export type FieldOption = v.InferOutput<typeof FieldOptionSchema>;

/** One extra deploy form field (`SatelliteField` in the LUML frontend). */
export const SatelliteFieldSchema = v.looseObject({
  name: v.string(),
  type: SatelliteFieldTypeSchema,
  values: v.optional(v.nullable(v.array(FieldOptionSchema)), null),
  required: v.optional(v.boolean(), false),
  validators: v.optional(v.array(FieldValidatorSchema), []),
  conditions: v.optional(v.array(FieldConditionSchema), []),
});
/** One extra deploy form field. */
export type SatelliteField = v.InferOutput<typeof SatelliteFieldSchema>;

/** The `deploy` capability (`CapabilitiesDeploy`). */
export const DeployCapabilitySchema = v.looseObject({
  version: v.number(),
  supported_variants: v.array(v.string()),
  supported_tags_combinations: v.optional(v.nullable(v.array(v.array(v.string()))), null),
  extra_fields_form_spec: v.optional(v.array(SatelliteFieldSchema), []),
});
/** The `deploy` capability. */
export type DeployCapability = v.InferOutput<typeof DeployCapabilitySchema>;

/** The `monitoring` capability (`{"version": 1}` on the reference agent). */
export const MonitoringCapabilitySchema = v.looseObject({ version: v.number() });
/** The `monitoring` capability. */
export type MonitoringCapability = v.InferOutput<typeof MonitoringCapabilitySchema>;

/** Capability names the backend accepts (`SatelliteCapability` enum). */
export const CAPABILITY_NAMES = ['deploy', 'monitoring'] as const;

/**
 * The capability map a satellite sends at pairing. Keys are a closed enum on the platform
 * (any other key is a 422), so the map is strict; an empty map is a 400 there.
 */
export const CapabilitiesSchema = v.pipe(
  v.strictObject({
    deploy: v.optional(v.nullable(DeployCapabilitySchema)),
    monitoring: v.optional(v.nullable(MonitoringCapabilitySchema)),
  }),
  v.check(
    // A key whose value is undefined is dropped by JSON, so it does not count.
    (map) => Object.values(map).some((value) => value !== undefined),
    'Expected at least one capability (deploy or monitoring); the platform rejects an empty map',
  ),
);
/** The capability map a satellite sends at pairing. */
export type Capabilities = v.InferOutput<typeof CapabilitiesSchema>;

/**
 * The capability map as the platform returns it on a `Satellite`: values are free-form
 * objects (or null), `{}` until paired, and unknown keys are kept.
 */
export const SatelliteCapabilitiesSchema = v.record(
  v.string(),
  v.nullable(v.record(v.string(), v.unknown())),
);
/** The capability map as the platform returns it. */
export type SatelliteCapabilities = v.InferOutput<typeof SatelliteCapabilitiesSchema>;
