// docs/protocols/luml.md §1 (422 validation errors in FastAPI's list form: loc, msg, type)
import { isObject, normalizeUuid } from '../http-io.js';

/** One FastAPI/pydantic validation problem, as the platform reports it. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** What a field accepts. Extra keys in a body are ignored, as pydantic does by default. */
export type FieldSpec =
  | { kind: 'string'; maxLength?: number; nullable?: boolean; required?: boolean }
  | { kind: 'enum'; values: readonly string[]; nullable?: boolean; required?: boolean }
  | { kind: 'uuid'; nullable?: boolean; required?: boolean }
  | { kind: 'url'; nullable?: boolean; required?: boolean }
  | { kind: 'scalar'; nullable?: boolean; required?: boolean }
  | {
      kind: 'dict';
      /** Allowed keys (a closed enum), when the keys are restricted. */
      keys?: readonly string[];
      values?: FieldSpec;
      nullable?: boolean;
      required?: boolean;
    }
  | { kind: 'list'; items: FieldSpec; maxItems?: number; nullable?: boolean; required?: boolean };

const quoteList = (values: readonly string[]): string => {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length > 1
    ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`
    : (quoted[0] ?? '');
};

/** Check one value against a spec; push issues; return the accepted value. */
export function checkValue(
  value: unknown,
  spec: FieldSpec,
  loc: (string | number)[],
  issues: ValidationIssue[],
): unknown {
  if (value === null && spec.nullable) return null;
  const issue = (type: string, msg: string, ctx?: Record<string, unknown>): undefined => {
    issues.push({ type, loc, msg, input: value, ...(ctx ? { ctx } : {}) });
    return undefined;
  };
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') return issue('string_type', 'Input should be a valid string');
      if (spec.maxLength !== undefined && value.length > spec.maxLength)
        return issue('string_too_long', `String should have at most ${spec.maxLength} characters`, {
          max_length: spec.maxLength,
        });
      return value;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value))
        return issue('enum', `Input should be ${quoteList(spec.values)}`, {
          expected: quoteList(spec.values),
        });
      return value;
    case 'uuid': {
      const uuid = typeof value === 'string' ? normalizeUuid(value) : undefined;
      if (uuid === undefined)
        return typeof value === 'string'
          ? issue('uuid_parsing', 'Input should be a valid UUID, unable to parse string as a UUID')
          : issue('uuid_type', 'UUID input should be a string, bytes or UUID object');
      return uuid;
    }
    case 'url': {
      if (typeof value !== 'string')
        return issue('url_type', 'URL input should be a string or URL');
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        return issue('url_parsing', 'Input should be a valid URL, relative URL without a base');
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        return issue('url_scheme', "URL scheme should be 'http' or 'https'", {
          expected_schemes: "'http' or 'https'",
        });
      // pydantic's HttpUrl normalises a bare host to end with `/` (§18.9).
      return parsed.href;
    }
    case 'scalar':
      if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string')
        return value;
      return issue('union_type', 'Input should be a valid boolean, number or string');
    case 'dict': {
      if (!isObject(value)) return issue('dict_type', 'Input should be a valid dictionary');
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (spec.keys && !spec.keys.includes(key)) {
          issues.push({
            type: 'enum',
            loc: [...loc, key, '[key]'],
            msg: `Input should be ${quoteList(spec.keys)}`,
            input: key,
            ctx: { expected: quoteList(spec.keys) },
          });
          continue;
        }
        out[key] = spec.values ? checkValue(item, spec.values, [...loc, key], issues) : item;
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return issue('list_type', 'Input should be a valid list');
      if (spec.maxItems !== undefined && value.length > spec.maxItems)
        return issue(
          'too_long',
          `List should have at most ${spec.maxItems} items after validation, not ${value.length}`,
          { field_type: 'List', max_length: spec.maxItems, actual_length: value.length },
        );
      return value.map((item, i) => checkValue(item, spec.items, [...loc, i], issues));
    }
  }
}

/**
 * Validate a JSON body against field specs. Only keys present in the body appear in the
 * result, so a caller can tell "omitted" from "null" (the PATCH quirk needs that).
 */
export function checkBody(
  body: unknown,
  fields: Record<string, FieldSpec>,
  issues: ValidationIssue[],
): Record<string, unknown> {
  if (body === undefined) {
    issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
    return {};
  }
  if (!isObject(body)) {
    issues.push({
      type: 'model_attributes_type',
      loc: ['body'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: body,
    });
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(fields)) {
    if (!(name in body)) {
      if (spec.required)
        issues.push({ type: 'missing', loc: ['body', name], msg: 'Field required', input: body });
      continue;
    }
    out[name] = checkValue(body[name], spec, ['body', name], issues);
  }
  return out;
}

/** Validate a path id (`loc: ["path", name]`), returning its canonical form. */
export function checkPathUuid(
  value: string,
  name: string,
  issues: ValidationIssue[],
): string | undefined {
  return checkValue(value, { kind: 'uuid' }, ['path', name], issues) as string | undefined;
}
