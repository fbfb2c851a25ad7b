// docs/protocols/saturn.md §2.1 (ids, JSON objects) and §2.4 (the `YYYY-MM` period)
import * as v from 'valibot';

/** A JSON object as sent on the wire (agent configs, tool schemas, metadata, details). */
export const JsonObjectSchema = v.pipe(
  v.unknown(),
  // valibot's record accepts arrays (they are objects); the wire means a JSON object.
  v.check((value) => !Array.isArray(value), 'Expected a JSON object, not an array'),
  v.record(v.string(), v.unknown()),
);

/** A JSON object as sent on the wire. */
export type JsonObject = v.InferOutput<typeof JsonObjectSchema>;

/** An integer count or version. */
export const IntegerSchema = v.pipe(v.number(), v.integer('Expected an integer'));

/**
 * A billing period, `YYYY-MM` with a real month (01-12) and a year from 0001. SATURN's own parser
 * also takes `2025-1` or ` 2025-01`; clients send the canonical form only (§2.4).
 */
export const PERIOD_PATTERN = /^(?!0000)\d{4}-(?:0[1-9]|1[0-2])$/;

/** A billing period, `YYYY-MM`. */
export const PeriodSchema = v.pipe(
  v.string(),
  v.regex(PERIOD_PATTERN, 'Expected a period as YYYY-MM (for example 2025-12)'),
);

/** Whether `value` is a `YYYY-MM` period SATURN accepts. */
export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD_PATTERN.test(value);
}
