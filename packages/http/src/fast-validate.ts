import * as v from 'valibot';

/** Returned by a fast check when the value does not fit: run the schema itself for the issues. */
export const FAIL: unique symbol = Symbol('uplink.fastValidateFail');

/** A compiled check: the schema's output for a value that fits, else {@link FAIL}. */
export type FastCheck = (value: unknown) => unknown;

/**
 * The own keys of a plain schema of each supported kind. A schema with more keys was wrapped
 * (`pipe`, `fallback`, `cache`, ...) and may transform or check more, so it is not compiled.
 */
const PLAIN_KEYS = new Map<unknown, string>(
  [
    v.string(),
    v.number(),
    v.boolean(),
    v.unknown(),
    v.any(),
    v.optional(v.string()),
    v.nullable(v.string()),
    v.object({}),
    v.looseObject({}),
  ].map((schema) => [schema.reference, Object.keys(schema).sort().join()]),
);

/** The two object kinds compiled; `reference` is the valibot function that made the schema. */
const OBJECT_REFERENCES = new Set<unknown>([v.object, v.looseObject]);
const isObjectSchema = (s: v.GenericSchema): s is v.ObjectSchema<v.ObjectEntries, undefined> =>
  OBJECT_REFERENCES.has(s.reference);

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/**
 * Compile a schema made only of unwrapped `object`, `looseObject`, `string`, `number`,
 * `boolean`, `unknown`, `any`, and `optional`/`nullable` without defaults into a plain
 * function with the same output for every value the schema accepts (same keys, same order).
 * It returns {@link FAIL} rather than issues: the caller then runs the schema itself, so error
 * messages are valibot's. Other schemas (pipes, transforms, unions, ...) are not compiled
 * (`undefined`). This removes valibot's per-field dataset objects from the per-event SSE path.
 */
export function compileFastCheck(schema: v.GenericSchema): FastCheck | undefined {
  const plain = PLAIN_KEYS.get(schema.reference);
  if (plain === undefined || Object.keys(schema).sort().join() !== plain) return undefined;
  switch (schema.reference) {
    case v.string:
      return (value) => (typeof value === 'string' ? value : FAIL);
    case v.number:
      return (value) => (typeof value === 'number' && !Number.isNaN(value) ? value : FAIL);
    case v.boolean:
      return (value) => (typeof value === 'boolean' ? value : FAIL);
    case v.unknown:
    case v.any:
      return (value) => value;
    case v.optional:
    case v.nullable: {
      const wrapper = schema as unknown as { default: unknown; wrapped: v.GenericSchema };
      if (wrapper.default !== undefined) return undefined;
      const inner = compileFastCheck(wrapper.wrapped);
      if (!inner) return undefined;
      const empty = schema.reference === v.optional ? undefined : null;
      return (value) => (value === empty ? value : inner(value));
    }
  }
  if (!isObjectSchema(schema)) return undefined;
  return compileObject(schema.entries, (schema.reference as unknown) === v.looseObject);
}

function compileObject(entries: v.ObjectEntries, loose: boolean): FastCheck | undefined {
  const keys = Object.keys(entries);
  const checks: FastCheck[] = [];
  const optional: boolean[] = [];
  for (const key of keys) {
    const entry = entries[key] as v.GenericSchema;
    const check = compileFastCheck(entry);
    if (!check) return undefined;
    checks.push(check);
    optional.push(entry.reference === v.optional);
  }
  const count = keys.length;
  return (input) => {
    if (!input || typeof input !== 'object') return FAIL;
    const record = input as Record<string, unknown>;
    // The usual case: the input's keys are the entries in order (then, for a loose object,
    // only other plain keys) and every field passes unchanged. The output would then equal the
    // input key for key, so the input (fresh from JSON.parse) is returned without a copy.
    let matched = 0;
    let same = Object.getPrototypeOf(record) === Object.prototype;
    if (same) {
      for (const key in record) {
        if (matched < count && key === keys[matched] && hasOwn(record, key)) {
          const value = record[key];
          const checked = (checks[matched] as FastCheck)(value);
          if (checked === FAIL) return FAIL;
          if (checked !== value) {
            same = false;
            break;
          }
          matched++;
        } else if (
          !loose ||
          matched < count ||
          key === '__proto__' ||
          key === 'prototype' ||
          key === 'constructor' ||
          !hasOwn(record, key)
        ) {
          same = false;
          break;
        }
      }
    }
    if (same && matched === count) return record;
    const output: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as string;
      // `in`, as valibot's object schemas test it.
      if (key in record) {
        const value = (checks[k] as FastCheck)(record[key]);
        if (value === FAIL) return FAIL;
        output[key] = value;
      } else if (!optional[k]) return FAIL;
    }
    if (loose) {
      for (const key in record) {
        if (
          hasOwn(record, key) &&
          key !== '__proto__' &&
          key !== 'prototype' &&
          key !== 'constructor' &&
          !hasOwn(entries, key)
        ) {
          output[key] = record[key];
        }
      }
    }
    return output;
  };
}
