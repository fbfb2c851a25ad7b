import type * as v from 'valibot';

import { arrayCheck, FAIL, type FastCheck, objectCheck, recordCheck } from './fast-checks.js';

export { FAIL, type FastCheck } from './fast-checks.js';

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
const BASE = 'async,expects,kind,reference,type,~run,~standard';
const MESSAGE = 'async,expects,kind,message,reference,type,~run,~standard';
const WRAPPER = 'async,default,expects,kind,reference,type,wrapped,~run,~standard';
// Literal key lists rather than keys read from valibot's constructors at load time: building
// those schemas here would pull every one of them into each app's bundle. A test checks the
// lists against the installed valibot, so an upgrade that changes a shape is caught.
export const PLAIN_KEYS: ReadonlyMap<string, string> = new Map([
  ['string', MESSAGE],
  ['number', MESSAGE],
  ['boolean', MESSAGE],
  ['unknown', BASE],
  ['any', BASE],
  ['optional', WRAPPER],
  ['nullable', WRAPPER],
  ['object', 'async,entries,expects,kind,message,reference,type,~run,~standard'],
  ['loose_object', 'async,entries,expects,kind,message,reference,type,~run,~standard'],
  ['array', 'async,expects,item,kind,message,reference,type,~run,~standard'],
  ['lazy', 'async,expects,getter,kind,reference,type,~run,~standard'],
  ['record', 'async,expects,key,kind,message,reference,type,value,~run,~standard'],
]);

/** The pipe actions compiled, by type, with the keys of each. */
const ACTION = 'async,expects,kind,message,reference,requirement,type,~run';
export const ACTION_KEYS: ReadonlyMap<string, string> = new Map(
  ['integer', 'min_value', 'max_value', 'min_length', 'max_length', 'check'].map((type) => [
    type,
    ACTION,
  ]),
);

/** Compiled checks of the schemas a `lazy` getter returns (they are usually long-lived). */
const lazyInner = new WeakMap<object, FastCheck | null>();

function keysOf(schema: object): string {
  return Object.keys(schema).sort().join();
}

/** The keys of a plain schema wrapped in `pipe()`. */
const withPipe = (plain: string): string => [...plain.split(','), 'pipe'].sort().join();

/**
 * Compile a schema made only of unwrapped `object`, `looseObject`, `array`, `record`, `lazy`,
 * `string`, `number`, `boolean`, `unknown`, `any`, `optional`/`nullable` without defaults, and
 * pipes of those with simple validations (see {@link compilePipe}) into a plain function with the same output for every value the
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
    return keys === withPipe(plain) ? compilePipe(schema) : undefined;
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
      return item && arrayCheck(item);
    }
    case 'record': {
      const { key, value } = schema as unknown as { key: v.GenericSchema; value: v.GenericSchema };
      const keyCheck = compileFastCheck(key);
      const valueCheck = compileFastCheck(value);
      return keyCheck && valueCheck && recordCheck(keyCheck, valueCheck);
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

/**
 * `pipe(schema, ...)` whose other items are compilable schemas (their output feeds the next
 * item) or the validations `integer`, `minValue`, `maxValue`, `minLength`, `maxLength` and
 * `check`, applied as valibot applies them. Transformations and other actions: not compiled.
 */
function compilePipe(schema: v.GenericSchema): FastCheck | undefined {
  const [first, ...items] = (schema as unknown as { pipe: Record<string, unknown>[] }).pipe;
  if (!first || first.type !== schema.type) return undefined;
  const steps: FastCheck[] = [];
  const head = compileFastCheck(first as unknown as v.GenericSchema);
  if (!head) return undefined;
  steps.push(head);
  for (const item of items) {
    if (item.kind === 'metadata') continue;
    const step =
      item.kind === 'schema'
        ? compileFastCheck(item as unknown as v.GenericSchema)
        : compileValidation(item);
    if (!step) return undefined;
    steps.push(step);
  }
  return (value) => {
    let output = value;
    for (let k = 0; k < steps.length; k++) {
      output = (steps[k] as FastCheck)(output);
      if (output === FAIL) return FAIL;
    }
    return output;
  };
}

function compileValidation(action: Record<string, unknown>): FastCheck | undefined {
  const type = action.type as string;
  if (
    action.kind !== 'validation' ||
    action.async !== false ||
    ACTION_KEYS.get(type) === undefined ||
    keysOf(action) !== ACTION_KEYS.get(type)
  ) {
    return undefined;
  }
  const requirement = action.requirement;
  switch (type) {
    case 'integer':
      // The action's requirement is Number.isInteger itself (in every copy of valibot).
      return requirement === Number.isInteger
        ? (value) => (Number.isInteger(value) ? value : FAIL)
        : undefined;
    case 'min_value':
      if (typeof requirement !== 'number') return undefined;
      return (value) => ((value as number) >= requirement ? value : FAIL);
    case 'max_value':
      if (typeof requirement !== 'number') return undefined;
      return (value) => ((value as number) <= requirement ? value : FAIL);
    case 'min_length':
      if (typeof requirement !== 'number') return undefined;
      return (value) => ((value as { length: number }).length >= requirement ? value : FAIL);
    case 'max_length':
      if (typeof requirement !== 'number') return undefined;
      return (value) => ((value as { length: number }).length <= requirement ? value : FAIL);
    case 'check':
      if (typeof requirement !== 'function') return undefined;
      return (value) => (requirement(value) ? value : FAIL);
  }
  return undefined;
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
  return objectCheck(keys, checks, optional, loose, entries);
}
