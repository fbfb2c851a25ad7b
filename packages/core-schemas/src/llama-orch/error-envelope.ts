// docs/protocols/llama-orch.md §11 (error envelope and the 12 codes).
import * as v from 'valibot';
import { IntegerSchema } from './enums.js';

/** The 12 error kinds of the contract (v1 `ErrorKind` plus `QUEUE_FULL_DROP_LRU`). */
export const ERROR_KIND_CODES = [
  'ADMISSION_REJECT',
  'QUEUE_FULL_DROP_LRU',
  'INVALID_PARAMS',
  'DEADLINE_UNMET',
  'POOL_UNREADY',
  'POOL_UNAVAILABLE',
  'REPLICA_EXHAUSTED',
  'DECODE_TIMEOUT',
  'WORKER_RESET',
  'INTERNAL',
  'MODEL_DEPRECATED',
  'UNTRUSTED_ARTIFACT',
] as const;

/** One of the 12 known error kinds. */
export type ErrorKind = (typeof ERROR_KIND_CODES)[number];

/**
 * An error code as received: a known kind, any other string (v2 sends CamelCase codes, later
 * servers may add kinds), or a number (the auth codes 40101, 40102, 40301). Kept raw.
 */
export type ErrorCode = ErrorKind | (string & {}) | number;

/** What the contract says about one error kind. */
export interface ErrorKindInfo {
  /** The HTTP status it is sent with, or `null` when the contract defines none (enum-only kinds). */
  readonly status: number | null;
  /** Whether retrying the same request later may succeed. */
  readonly retriable: boolean;
}

/** Registry of the 12 error kinds: code -> `{status, retriable}` (§11.2). */
export const ERROR_KINDS: Readonly<Record<ErrorKind, ErrorKindInfo>> = Object.freeze({
  ADMISSION_REJECT: { status: 429, retriable: true },
  QUEUE_FULL_DROP_LRU: { status: 429, retriable: true },
  INVALID_PARAMS: { status: 400, retriable: false },
  DEADLINE_UNMET: { status: 400, retriable: false },
  POOL_UNREADY: { status: 503, retriable: true },
  POOL_UNAVAILABLE: { status: 503, retriable: true },
  REPLICA_EXHAUSTED: { status: 503, retriable: true },
  DECODE_TIMEOUT: { status: 500, retriable: true },
  WORKER_RESET: { status: 500, retriable: true },
  INTERNAL: { status: 500, retriable: false },
  MODEL_DEPRECATED: { status: null, retriable: false },
  UNTRUSTED_ARTIFACT: { status: null, retriable: false },
});

/** True when `code` is one of the 12 known kinds (after {@link normalizeErrorCode}). */
export function isErrorKind(code: unknown): code is ErrorKind {
  return typeof code === 'string' && Object.hasOwn(ERROR_KINDS, code);
}

/**
 * Normalise a wire error code: CamelCase becomes SCREAMING_SNAKE (`PoolUnready` ->
 * `POOL_UNREADY`), numbers become their decimal string, anything else that is not a non-empty
 * string gives `undefined`. Codes already in SCREAMING_SNAKE, and unknown ones, are kept as is.
 */
export function normalizeErrorCode(code: unknown): string | undefined {
  if (typeof code === 'number' && Number.isFinite(code)) return String(code);
  if (typeof code !== 'string' || code === '') return undefined;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(code) || !/[a-z]/.test(code)) return code;
  return code
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
}

/** A wire error code: a string (any) or an integer. */
export const ErrorCodeSchema = v.custom<ErrorCode>(
  (input) => typeof input === 'string' || (typeof input === 'number' && Number.isInteger(input)),
  'Invalid error code: expected a string or an integer',
);

/**
 * The error envelope (ORCH-2006). Only `code` is required (as in the upstream types); unknown
 * codes and unknown fields are kept. `engine` is any string, so an error body never fails to
 * parse over a stub engine value.
 */
export const ErrorEnvelopeSchema = v.looseObject({
  code: ErrorCodeSchema,
  message: v.optional(v.string()),
  engine: v.optional(v.string()),
  retriable: v.optional(v.boolean()),
  retry_after_ms: v.optional(IntegerSchema),
  policy_label: v.optional(v.string()),
});
/** An error envelope. */
export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelopeSchema>;

/** The 429 envelope (`BackpressureErrorEnvelope`): the envelope with `policy_label` required. */
export const BackpressureErrorEnvelopeSchema = v.looseObject({
  ...ErrorEnvelopeSchema.entries,
  policy_label: v.string(),
});
/** A 429 envelope. */
export type BackpressureErrorEnvelope = v.InferOutput<typeof BackpressureErrorEnvelopeSchema>;
