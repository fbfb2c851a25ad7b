// The container checks compiled by fast-validate.ts: objects, arrays and records, each given
// the compiled checks of its members. Kept apart so each file stays one concern.

/** Returned by a fast check when the value does not fit: run the schema itself for the issues. */
export const FAIL: unique symbol = Symbol('uplink.fastValidateFail');

/** A compiled check: the schema's output for a value that fits, else {@link FAIL}. */
export type FastCheck = (value: unknown) => unknown;

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

/** valibot's record output is a new object of the own, safe keys' checked entries. */
export function recordCheck(key: FastCheck, value: FastCheck): FastCheck {
  const safe = (record: object, entryKey: string): boolean =>
    hasOwn(record, entryKey) &&
    entryKey !== '__proto__' &&
    entryKey !== 'prototype' &&
    entryKey !== 'constructor';
  return (input) => {
    if (!input || typeof input !== 'object') return FAIL;
    const record = input as Record<string, unknown>;
    // As for objects: when valibot's copy would equal the input key for key (a plain object,
    // only own safe keys, every entry unchanged), the input is returned without a copy.
    if (Object.getPrototypeOf(record) === Object.prototype) {
      let same = true;
      for (const entryKey in record) {
        const entry = record[entryKey];
        if (!safe(record, entryKey) || key(entryKey) !== entryKey || value(entry) !== entry) {
          same = false;
          break;
        }
      }
      if (same) return record;
    }
    const output: Record<string, unknown> = {};
    for (const entryKey in record) {
      if (!safe(record, entryKey)) continue;
      const checkedKey = key(entryKey);
      const checkedValue = value(record[entryKey]);
      if (checkedKey === FAIL || checkedValue === FAIL) return FAIL;
      output[checkedKey as string] = checkedValue;
    }
    return output;
  };
}

/** valibot's array output is always a new array of the items' outputs. */
export function arrayCheck(item: FastCheck): FastCheck {
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

/**
 * An object schema's check: `keys` in entry order with their `checks`; `optional[k]` when entry
 * k may be missing; `loose` keeps unknown keys; `entries` is the schema's entries object.
 */
export function objectCheck(
  keys: string[],
  checks: FastCheck[],
  optional: boolean[],
  loose: boolean,
  entries: object,
): FastCheck {
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
        // An optional entry the input lacks is absent from valibot's output too: skip it.
        while (
          matched < count &&
          key !== keys[matched] &&
          optional[matched] &&
          !((keys[matched] as string) in record)
        ) {
          matched++;
        }
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
    while (same && matched < count && optional[matched] && !((keys[matched] as string) in record)) {
      matched++;
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
