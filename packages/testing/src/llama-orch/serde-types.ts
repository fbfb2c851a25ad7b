// docs/protocols/llama-orch.md §5.1 and §11.3: how the server's `Json<T>` extractor (axum 0.7 over
// serde_path_to_error and serde_json) reads a body into a Rust type, with serde's own messages:
// `missing field`, `unknown variant`, `invalid type`, `invalid value`, `duplicate field`,
// `invalid length`, each with serde_json's position and the path to the failing value.
import {
  dataError,
  type ParsedNumber,
  type PathSegment,
  SerdeError,
  SerdeReader,
} from './serde-json-reader.js';

/** A Rust type as serde derive deserializes it. */
export type SerdeType =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int'; name: 'i32' | 'i64' }
  | { kind: 'option'; of: SerdeType }
  | { kind: 'enum'; name: string; variants: readonly string[] }
  | { kind: 'vec'; of: SerdeType }
  | { kind: 'struct'; name: string; fields: readonly SerdeField[] }
  /** `serde_json::Value`: any JSON. */
  | { kind: 'value' };

/** A struct field; `default` stands for `#[serde(default)]`. */
export interface SerdeField {
  name: string;
  type: SerdeType;
  default?: (() => unknown) | undefined;
}

const INT_RANGE = {
  i32: [-(2n ** 31n), 2n ** 31n - 1n],
  i64: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

/** serde's `Expected` text for a type. */
function expecting(type: SerdeType): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'bool':
      return 'a boolean';
    case 'int':
      return type.name;
    case 'vec':
      return 'a sequence';
    case 'struct':
      return `struct ${type.name}`;
    default:
      return 'any value';
  }
}

/** Rust's `{:?}` of a str: quoted, with `\"`, `\\`, `\n`-style and `\u{..}` escapes. */
export function rustDebugStr(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp === 0) out += '\\0';
    else if (
      /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Mn}\p{Me}]/u.test(ch) ||
      (ch !== ' ' && /\p{Zs}/u.test(ch))
    ) {
      out += `\\u{${cp.toString(16)}}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** ryu's shortest form of an f64, as serde_json prints a float in an error. */
export function rustFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const kk = Number(exponent) + 1;
  const n = digits.length;
  let out: string;
  if (kk - n >= 0 && kk <= 16) out = `${digits}${'0'.repeat(kk - n)}.0`;
  else if (kk > 0 && kk <= 16) out = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > -5 && kk <= 0) out = `0.${'0'.repeat(-kk)}${digits}`;
  else if (n === 1) out = `${digits}e${kk - 1}`;
  else out = `${digits[0]}.${digits.slice(1)}e${kk - 1}`;
  return (x < 0 ? '-' : '') + out;
}

const unexpectedNumber = (n: ParsedNumber): string =>
  n.kind === 'f64' ? `floating point \`${rustFloat(n.value)}\`` : `integer \`${n.value}\``;

/** serde_json's `peek_invalid_type`: read the value that is there and say what it was. */
function invalidType(r: SerdeReader, expected: string): SerdeError {
  let unexpected: string;
  const b = r.peekOrNull();
  if (b === 0x6e) {
    r.eat();
    r.ident('ull');
    unexpected = 'null';
  } else if (b === 0x74 || b === 0x66) {
    r.eat();
    r.ident(b === 0x74 ? 'rue' : 'alse');
    unexpected = `boolean \`${b === 0x74}\``;
  } else if (b === 0x2d) {
    r.eat();
    unexpected = unexpectedNumber(r.parseInteger(false));
  } else if (b >= 0x30 && b <= 0x39) {
    unexpected = unexpectedNumber(r.parseInteger(true));
  } else if (b === 0x22) {
    r.eat();
    unexpected = `string ${rustDebugStr(r.parseStr())}`;
  } else if (b === 0x5b) unexpected = 'sequence';
  else if (b === 0x7b) unexpected = 'map';
  else return r.peekError('expected value');
  return r.fix(dataError(`invalid type: ${unexpected}, expected ${expected}`)) as SerdeError;
}

/** The first non-whitespace byte, or serde_json's EOF error. */
function valueStart(r: SerdeReader): number {
  const b = r.whitespace();
  if (b === undefined) throw r.peekError('EOF while parsing a value');
  return b;
}

/** Run `body`; an error leaving it gets this value's path (the innermost one wins). */
function at<T>(path: PathSegment[], body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof SerdeError && error.path === undefined) error.path = path;
    throw error;
  }
}

/** `[ ... ]` or `{ ... }` as serde_json reads a container: recursion check, then its end, then positions. */
function container<T>(r: SerdeReader, close: 0x5d | 0x7d, body: () => T): T {
  let result: T | undefined;
  let failure: unknown;
  r.descend(() => {
    r.eat();
    try {
      result = body();
    } catch (error) {
      failure = error;
    }
  });
  // serde_json ends the container even when the visitor failed (it may move the position).
  let endFailure: unknown;
  try {
    if (close === 0x5d) endSeq(r);
    else endMap(r);
  } catch (error) {
    endFailure = error;
  }
  if (failure !== undefined) throw r.fix(failure);
  if (endFailure !== undefined) throw endFailure;
  return result as T;
}

function endSeq(r: SerdeReader): void {
  const b = r.whitespace();
  if (b === 0x5d) {
    r.eat();
    return;
  }
  if (b === 0x2c) {
    r.eat();
    throw r.peekError(r.whitespace() === 0x5d ? 'trailing comma' : 'trailing characters');
  }
  throw r.peekError(b === undefined ? 'EOF while parsing a list' : 'trailing characters');
}

function endMap(r: SerdeReader): void {
  const b = r.whitespace();
  if (b === 0x7d) {
    r.eat();
    return;
  }
  if (b === 0x2c) throw r.peekError('trailing comma');
  throw r.peekError(b === undefined ? 'EOF while parsing an object' : 'trailing characters');
}

/** serde_json's SeqAccess: whether another element follows (consuming its comma). */
function hasNextElement(r: SerdeReader, first: boolean): boolean {
  const b = r.whitespace();
  if (b === undefined) throw r.peekError('EOF while parsing a list');
  if (b === 0x5d) return false;
  if (first) return true;
  if (b !== 0x2c) throw r.peekError('expected `,` or `]`');
  r.eat();
  const c = r.whitespace();
  if (c === 0x5d) throw r.peekError('trailing comma');
  if (c === undefined) throw r.peekError('EOF while parsing a value');
  return true;
}

/** serde_json's MapAccess: the next key, or `undefined` at `}`. */
function nextKey(r: SerdeReader, first: boolean, path: PathSegment[]): string | undefined {
  return at([...path, { unknown: true }], () => {
    const b = r.whitespace();
    if (b === undefined) throw r.peekError('EOF while parsing an object');
    if (b === 0x7d) return undefined;
    if (first) {
      if (b !== 0x22) throw r.peekError('key must be a string');
    } else if (b === 0x2c) {
      r.eat();
      const c = r.whitespace();
      if (c === 0x7d) throw r.peekError('trailing comma');
      if (c === undefined) throw r.peekError('EOF while parsing a value');
      if (c !== 0x22) throw r.peekError('key must be a string');
    } else throw r.peekError('expected `,` or `}`');
    r.eat();
    return r.parseStr();
  });
}

function objectColon(r: SerdeReader): void {
  const b = r.whitespace();
  if (b === 0x3a) {
    r.eat();
    return;
  }
  throw r.peekError(b === undefined ? 'EOF while parsing an object' : 'expected `:`');
}

function integer(r: SerdeReader, name: 'i32' | 'i64'): number | bigint {
  const b = valueStart(r);
  try {
    if (b !== 0x2d && !(b >= 0x30 && b <= 0x39)) throw invalidType(r, name);
    if (b === 0x2d) r.eat();
    const n = r.parseInteger(b !== 0x2d);
    if (n.kind === 'f64') throw dataError(`invalid type: ${unexpectedNumber(n)}, expected ${name}`);
    const [min, max] = INT_RANGE[name];
    if (n.value < min || n.value > max) {
      throw dataError(`invalid value: ${unexpectedNumber(n)}, expected ${name}`);
    }
    return Number.isSafeInteger(Number(n.value)) ? Number(n.value) : n.value;
  } catch (error) {
    throw r.fix(error);
  }
}

function string(r: SerdeReader, expected = 'a string'): string {
  const b = valueStart(r);
  try {
    if (b !== 0x22) throw invalidType(r, expected);
    r.eat();
    return r.parseStr();
  } catch (error) {
    throw r.fix(error);
  }
}

function unitVariant(type: { name: string; variants: readonly string[] }, name: string): string {
  if (type.variants.includes(name)) return name;
  const { variants } = type;
  const list =
    variants.length === 1
      ? `\`${variants[0]}\``
      : variants.length === 2
        ? `\`${variants[0]}\` or \`${variants[1]}\``
        : `one of ${variants.map((v) => `\`${v}\``).join(', ')}`;
  throw dataError(`unknown variant \`${name}\`, expected ${list}`);
}

function enumValue(
  r: SerdeReader,
  type: { name: string; variants: readonly string[] },
  path: PathSegment[],
): string {
  const b = r.whitespace();
  if (b === 0x22) {
    r.eat();
    try {
      return unitVariant(type, r.parseStr());
    } catch (error) {
      throw r.fix(error);
    }
  }
  if (b === undefined) throw r.peekError('EOF while parsing a value');
  if (b !== 0x7b) throw r.peekError('expected value');
  // `{"variant": null}`: the externally tagged form of a unit variant.
  let variant = '';
  r.descend(() => {
    r.eat();
    const k = r.whitespace();
    if (k === 0x7d) throw r.peekError('expected value');
    if (k === undefined) throw r.peekError('EOF while parsing an object');
    if (k !== 0x22) throw r.peekError('key must be a string');
    r.eat();
    try {
      variant = unitVariant(type, r.parseStr());
    } catch (error) {
      throw r.fix(error);
    }
    objectColon(r);
    at([...path, { key: variant }], () => {
      const v = valueStart(r);
      try {
        if (v !== 0x6e) throw invalidType(r, 'unit');
        r.eat();
        r.ident('ull');
      } catch (error) {
        throw r.fix(error);
      }
    });
  });
  const end = r.whitespace();
  if (end === 0x7d) r.eat();
  else throw r.error(end === undefined ? 'EOF while parsing an object' : 'expected value');
  return variant;
}

function struct(
  r: SerdeReader,
  type: { name: string; fields: readonly SerdeField[] },
  path: PathSegment[],
): Record<string, unknown> {
  const b = valueStart(r);
  const out: Record<string, unknown> = {};
  const put = (field: SerdeField, value: unknown): void => {
    if (value !== undefined) out[field.name] = value;
  };
  if (b === 0x5b) {
    return container(r, 0x5d, () => {
      type.fields.forEach((field, i) => {
        if (hasNextElement(r, i === 0)) {
          put(field, deserializeValue(r, field.type, [...path, { index: i }]));
        } else if (field.default) put(field, field.default());
        else {
          throw dataError(
            `invalid length ${i}, expected struct ${type.name} with ${type.fields.length} elements`,
          );
        }
      });
      return out;
    });
  }
  if (b !== 0x7b) {
    throw r.fix(invalidType(r, `struct ${type.name}`));
  }
  return container(r, 0x7d, () => {
    const seen = new Set<string>();
    for (let first = true; ; first = false) {
      const key = nextKey(r, first, path);
      if (key === undefined) break;
      const field = type.fields.find((f) => f.name === key);
      if (field && seen.has(key)) throw dataError(`duplicate field \`${key}\``);
      objectColon(r);
      const valuePath = [...path, { key }];
      if (!field) at(valuePath, () => r.ignoreValue());
      else {
        seen.add(key);
        put(field, deserializeValue(r, field.type, valuePath));
      }
    }
    for (const field of type.fields) {
      if (seen.has(field.name)) continue;
      if (field.default) put(field, field.default());
      else if (field.type.kind !== 'option') throw dataError(`missing field \`${field.name}\``);
    }
    return out;
  });
}

function anyValue(r: SerdeReader, path: PathSegment[]): unknown {
  const b = valueStart(r);
  if (b === 0x6e || b === 0x74 || b === 0x66) {
    r.eat();
    r.ident(b === 0x6e ? 'ull' : b === 0x74 ? 'rue' : 'alse');
    return b === 0x6e ? null : b === 0x74;
  }
  if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
    if (b === 0x2d) r.eat();
    const n = r.parseInteger(b !== 0x2d);
    return Number(n.value);
  }
  if (b === 0x22) {
    r.eat();
    return r.parseStr();
  }
  if (b === 0x5b) {
    return container(r, 0x5d, () => {
      const items: unknown[] = [];
      while (hasNextElement(r, items.length === 0)) {
        items.push(deserializeValue(r, { kind: 'value' }, [...path, { index: items.length }]));
      }
      return items;
    });
  }
  if (b === 0x7b) {
    return container(r, 0x7d, () => {
      const object: Record<string, unknown> = {};
      for (let first = true; ; first = false) {
        const key = nextKey(r, first, path);
        if (key === undefined) return object;
        objectColon(r);
        // A key such as `__proto__` is data, not a prototype.
        Object.defineProperty(object, key, {
          value: deserializeValue(r, { kind: 'value' }, [...path, { key }]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    });
  }
  throw r.peekError('expected value');
}

/** Deserialize one value of `type` at the reader's position. */
export function deserializeValue(r: SerdeReader, type: SerdeType, path: PathSegment[]): unknown {
  return at(path, () => {
    switch (type.kind) {
      case 'string':
        return string(r);
      case 'bool': {
        const b = valueStart(r);
        try {
          if (b !== 0x74 && b !== 0x66) throw invalidType(r, 'a boolean');
          r.eat();
          r.ident(b === 0x74 ? 'rue' : 'alse');
          return b === 0x74;
        } catch (error) {
          throw r.fix(error);
        }
      }
      case 'int':
        return integer(r, type.name);
      case 'option': {
        if (r.whitespace() !== 0x6e) return deserializeValue(r, type.of, path);
        r.eat();
        r.ident('ull');
        return undefined;
      }
      case 'enum':
        return enumValue(r, type, path);
      case 'vec': {
        const b = valueStart(r);
        if (b !== 0x5b) throw r.fix(invalidType(r, expecting(type)));
        return container(r, 0x5d, () => {
          const items: unknown[] = [];
          while (hasNextElement(r, items.length === 0)) {
            items.push(deserializeValue(r, type.of, [...path, { index: items.length }]));
          }
          return items;
        });
      }
      case 'struct':
        return struct(r, type, path);
      case 'value':
        return anyValue(r, path);
    }
  });
}

/** What reading a body gave: the value, or the error and its category. */
export type SerdeResult<T> = { ok: true; value: T } | { ok: false; error: SerdeError };

/**
 * Deserialize a whole body the way axum 0.7's `Json<T>` does. Like axum 0.7, bytes after the
 * value are not looked at (it never calls `Deserializer::end`).
 */
export function deserializeBody<T>(bytes: Uint8Array, type: SerdeType): SerdeResult<T> {
  const r = new SerdeReader(bytes);
  try {
    return { ok: true, value: deserializeValue(r, type, []) as T };
  } catch (error) {
    if (!(error instanceof SerdeError)) throw error;
    return { ok: false, error };
  }
}
