// docs/protocols/luml.md §4.10, §4.11 and §5.6 (artifacts and download URLs)
import * as v from 'valibot';
import { JsonObjectSchema, TimestampSchema, UuidSchema } from './common.js';

/** Artifact kind. Unknown values are kept (the satellite does not act on them). */
export const ArtifactTypeSchema = v.union([
  v.picklist(['model', 'experiment', 'dataset']),
  v.string(),
]) as v.GenericSchema<'model' | 'experiment' | 'dataset' | (string & {})>;
/** Artifact kind. */
export type ArtifactType = v.InferOutput<typeof ArtifactTypeSchema>;

/** Artifact upload status. Unknown values are kept (the platform never checks it when minting URLs). */
export const ArtifactStatusSchema = v.union([
  v.picklist([
    'pending_upload',
    'uploaded',
    'pending_deletion',
    'upload_failed',
    'deletion_failed',
  ]),
  v.string(),
]) as v.GenericSchema<
  | 'pending_upload'
  | 'uploaded'
  | 'pending_deletion'
  | 'upload_failed'
  | 'deletion_failed'
  | (string & {})
>;
/** Artifact upload status. */
export type ArtifactStatus = v.InferOutput<typeof ArtifactStatusSchema>;

/**
 * An artifact manifest: the legacy `Manifest` or `LumlArtifactManifest`. Only the fields
 * both share and a satellite reads are typed; everything else is kept as sent.
 */
export const ArtifactManifestSchema = v.looseObject({
  variant: v.optional(v.string()),
  artifact_type: v.optional(v.string()),
  name: v.optional(v.nullable(v.string())),
  version: v.optional(v.nullable(v.string())),
  description: v.optional(v.nullable(v.string())),
  producer_name: v.optional(v.string()),
  producer_version: v.optional(v.string()),
  producer_tags: v.optional(v.array(v.string())),
});
/** An artifact manifest. */
export type ArtifactManifest = v.InferOutput<typeof ArtifactManifestSchema>;

/** An artifact (model, experiment or dataset file). Unknown fields are kept. */
export const ArtifactSchema = v.looseObject({
  id: UuidSchema,
  collection_id: UuidSchema,
  file_name: v.string(),
  name: v.optional(v.nullable(v.string()), null),
  description: v.optional(v.nullable(v.string()), null),
  extra_values: v.optional(JsonObjectSchema, {}),
  file_hash: v.string(),
  /** File name -> `[offset, length]` inside the artifact archive. */
  file_index: v.optional(v.record(v.string(), v.tuple([v.number(), v.number()])), {}),
  size: v.number(),
  tags: v.optional(v.nullable(v.array(v.string())), null),
  type: v.optional(ArtifactTypeSchema),
  bucket_location: v.string(),
  unique_identifier: v.string(),
  status: v.optional(ArtifactStatusSchema),
  created_by_user: v.optional(v.nullable(v.string()), null),
  /** Non-null on the real platform; a missing or null manifest is tolerated and read as null. */
  manifest: v.optional(v.nullable(ArtifactManifestSchema), null),
  created_at: TimestampSchema,
  updated_at: v.optional(v.nullable(TimestampSchema), null),
});
/** An artifact. */
export type Artifact = v.InferOutput<typeof ArtifactSchema>;

/** Answer of `GET /satellites/v1/artifacts/{id}`: the key is `artifact` (only the deprecated route adds `model`). */
export const ArtifactWithUrlSchema = v.looseObject({
  artifact: ArtifactSchema,
  url: v.string(),
});
/** Answer of `GET /satellites/v1/artifacts/{id}`. */
export type ArtifactWithUrl = v.InferOutput<typeof ArtifactWithUrlSchema>;

/** Answer of `GET /satellites/v1/artifacts/{id}/download-url`: a presigned GET URL valid 12 hours. */
export const DownloadUrlSchema = v.looseObject({ url: v.pipe(v.string(), v.minLength(1)) });
/** Answer of the download-URL route. */
export type DownloadUrl = v.InferOutput<typeof DownloadUrlSchema>;
