import * as v from 'valibot';

/** Returned by a fast check when the value does not fit: run the schema itself for the issues. */
export const FAIL: unique symbol = Symbol('uplink.fastValidateFail');

/** A compiled check: the schema's output for a value that fits, else {@link FAIL}. */
export type FastCheck = (value: unknown) => unknown;

/**
 * The own keys of a plain schema of each supported `type`. A schema with more keys was wrapped
 * (`pipe`, `fallback`, `cache`, ...) and may transform or check more, so it is not compiled.
 *
 * Schemas are recognised by their structure (`kind`, `type`, `async`, their keys), never by
 * object identity (`reference === v.object`): an app whose schemas come from another copy of
 * valibot (a second version in node_modules, a bundled dependency) builds objects of the same
 * shape with different functions, and must keep the fast path. A copy whose schemas have
 * other keys is simply not compiled, so valibot runs them: slower, never wrong.
 */
const PLAIN_KEYS = new Map<string, string>(
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
    v.array(v.string()),
    v.lazy(() => v.string()),
  ].map((schema) => [schema.type, keysOf(schema)]),
);

/** The keys of valibot's `integer()` action, the one pipe action compiled. */
const INTEGER_KEYS = keysOf(v.integer());

/** Compiled checks of the schemas a `lazy` getter returns (they are usually long-lived). */
const lazyInner = new WeakMap<object, FastCheck | null>();

function keysOf(schema: object): string {
  return Object.keys(schema).sort().join();
}

/** The keys of a plain schema wrapped in `pipe()`. */
const withPipe = (plain: string): string => [...plain.split(','), 'pipe'].sort().join();

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/**
 * Compile a schema made only of unwrapped `object`, `looseObject`, `array`, `lazy`, `string`,
 * `number`, `boolean`, `unknown`, `any`, `optional`/`nullable` without defaults, and
 * `pipe(schema, integer())` into a plain function with the same output for every value the
 * schema accepts (same keys, same order). It returns {@link FAIL} rather than issues: the
 * caller then runs the schema itself, so error messages are valibot's. Other schemas (other
 * pipes, transforms, unions, ...) are not compiled (`undefined`). This removes valibot's
 * per-field dataset objects from the per-event SSE path.
 */
export function compileFastCheck(schema: v.GenericSchema): FastCheck | undefined {
  const plain = PLAIN_KEYS.get(schema.type);
  if (plain === undefined || schema.kind !== 'schema' || schema.async !== false) return undefined;
  const keys = keysOf(schema);
  if (keys !== plain) {
    // `pipe(schema, integer())`: the schema's check, then Number.isInteger (what the action's
    // `requirement` is; a second valibot copy shares the same global function).
    return keys === withPipe(plain) ? compileIntegerPipe(schema) : undefined;
  }
  switch (schema.type) {
    case 'string':
      return (value) => (typeof value === 'string' ? value : FAIL);
    case 'number':
      return (value) => (typeof value === 'number' && !Number.isNaN(value) ? value : FAIL);
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? value : FAIL);
    case 'unknown':
    case 'any':
      return (value) => value;
    case 'optional':
    case 'nullable': {
      const wrapper = schema as unknown as { default: unknown; wrapped: v.GenericSchema };
      if (wrapper.default !== undefined) return undefined;
      const inner = compileFastCheck(wrapper.wrapped);
      if (!inner) return undefined;
      const empty = schema.type === 'optional' ? undefined : null;
      return (value) => (value === empty ? value : inner(value));
    }
    case 'object':
    case 'loose_object': {
      const entries = (schema as unknown as { entries: unknown }).entries;
      if (!entries || typeof entries !== 'object') return undefined;
      return compileObject(entries as v.ObjectEntries, schema.type === 'loose_object');
    }
    case 'array': {
      const item = compileFastCheck((schema as unknown as { item: v.GenericSchema }).item);
      return item && compileArray(item);
    }
    case 'lazy': {
      // valibot runs `getter(input)` and then the schema it returns: so does this, with the
      // returned schema compiled once. One that does not compile makes the caller run valibot.
      const getter = (schema as unknown as { getter: (input: unknown) => v.GenericSchema }).getter;
      return (value) => {
        const inner = getter(value);
        let check = lazyInner.get(inner);
        if (check === undefined) {
          check = compileFastCheck(inner) ?? null;
          lazyInner.set(inner, check);
        }
        return check ? check(value) : FAIL;
      };
    }
  }
  return undefined;
}

function compileIntegerPipe(schema: v.GenericSchema): FastCheck | undefined {
  const [first, ...actions] = (schema as unknown as { pipe: v.GenericSchema[] }).pipe;
  if (!first || first.type !== schema.type || actions.length === 0) return undefined;
  for (const action of actions as unknown as Record<string, unknown>[]) {
    if (
      action.kind !== 'validation' ||
      action.type !== 'integer' ||
      action.async !== false ||
      action.requirement !== Number.isInteger ||
      keysOf(action) !== INTEGER_KEYS
    ) {
      return undefined;
    }
  }
  const inner = compileFastCheck(first);
  if (!inner) return undefined;
  return (value) => {
    const output = inner(value);
    return output !== FAIL && Number.isInteger(output) ? output : FAIL;
  };
}

/** valibot's array output is always a new array of the items' outputs. */
function compileArray(item: FastCheck): FastCheck {
  return (input) => {
    if (!Array.isArray(input)) return FAIL;
    const output = new Array(input.length);
    for (let k = 0; k < input.length; k++) {
      const value = item(input[k]);
      if (value === FAIL) return FAIL;
      output[k] = value;
    }
    return output;
  };
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
    optional.push(entry.type === 'optional');
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
