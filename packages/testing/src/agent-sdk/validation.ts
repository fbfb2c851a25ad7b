// docs/protocols/agent-sdk.md §1.3, §1.5 and §1.12: request validation the way pydantic 2 and
// FastAPI report it (`{"detail": [{type, loc, msg, input, ctx?}]}`), field by field.
import { isObject, type PydanticIssue } from '../http-io.js';

import { pythonJsonError } from './json-error.js';

export type { PydanticIssue } from '../http-io.js';

/** Python's `len()` of a string: code points. */
const pyLen = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

interface StringRule {
  min?: number;
  max?: number;
}

function checkString(
  issues: PydanticIssue[],
  loc: (string | number)[],
  value: unknown,
  rule: StringRule,
): value is string {
  if (typeof value !== 'string') {
    issues.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input: value });
    return false;
  }
  const length = pyLen(value);
  if (rule.min !== undefined && length < rule.min) {
    issues.push({
      type: 'string_too_short',
      loc,
      msg: `String should have at least ${rule.min} character${rule.min === 1 ? '' : 's'}`,
      input: value,
      ctx: { min_length: rule.min },
    });
    return false;
  }
  if (rule.max !== undefined && length > rule.max) {
    issues.push({
      type: 'string_too_long',
      loc,
      msg: `String should have at most ${rule.max} character${rule.max === 1 ? '' : 's'}`,
      input: value,
      ctx: { max_length: rule.max },
    });
    return false;
  }
  return true;
}

function checkOptionalString(
  issues: PydanticIssue[],
  loc: (string | number)[],
  value: unknown,
): void {
  if (value === undefined || value === null) return;
  checkString(issues, loc, value, {});
}

/** pydantic's lax int: ints, integral floats and integer strings. */
function checkInt(
  issues: PydanticIssue[],
  loc: (string | number)[],
  value: unknown,
  bounds: { ge?: number; le?: number },
): void {
  let number: number | undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      issues.push({
        type: 'int_from_float',
        loc,
        msg: 'Input should be a valid integer, got a number with a fractional part',
        input: value,
      });
      return;
    }
    number = value;
  } else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    number = Number(value.trim());
  } else if (typeof value === 'string') {
    issues.push({
      type: 'int_parsing',
      loc,
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: value,
    });
    return;
  } else {
    issues.push({ type: 'int_type', loc, msg: 'Input should be a valid integer', input: value });
    return;
  }
  if (bounds.ge !== undefined && number < bounds.ge) {
    issues.push({
      type: 'greater_than_equal',
      loc,
      msg: `Input should be greater than or equal to ${bounds.ge}`,
      input: value,
      ctx: { ge: bounds.ge },
    });
  } else if (bounds.le !== undefined && number > bounds.le) {
    issues.push({
      type: 'less_than_equal',
      loc,
      msg: `Input should be less than or equal to ${bounds.le}`,
      input: value,
      ctx: { le: bounds.le },
    });
  }
}

function checkDict(
  issues: PydanticIssue[],
  loc: (string | number)[],
  value: unknown,
  values?: 'string',
): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    issues.push({
      type: 'dict_type',
      loc,
      msg: 'Input should be a valid dictionary',
      input: value,
    });
    return;
  }
  if (values === 'string') {
    for (const [key, item] of Object.entries(value)) checkString(issues, [...loc, key], item, {});
  }
}

/** The body must be an object to read fields from. */
function bodyObject(issues: PydanticIssue[], body: unknown): Record<string, unknown> | undefined {
  if (isObject(body)) return body;
  issues.push({
    type: 'model_attributes_type',
    loc: ['body'],
    msg: 'Input should be a valid dictionary or object to extract fields from',
    input: body,
  });
  return undefined;
}

function required(
  issues: PydanticIssue[],
  body: Record<string, unknown>,
  field: string,
): body is Record<string, unknown> {
  if (field in body) return true;
  issues.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: body });
  return false;
}

/** `RunTaskRequest` (§1.5): the task is length-checked as sent, then must not be blank. */
export function validateRunTaskRequest(body: unknown): PydanticIssue[] {
  const issues: PydanticIssue[] = [];
  const object = bodyObject(issues, body);
  if (!object) return issues;
  if (required(issues, object, 'task')) {
    const task = object.task;
    if (checkString(issues, ['body', 'task'], task, { min: 1, max: 10000 }) && !task.trim()) {
      issues.push({
        type: 'value_error',
        loc: ['body', 'task'],
        msg: 'Value error, Task cannot be empty',
        input: task,
        ctx: { error: {} },
      });
    }
  }
  checkOptionalString(issues, ['body', 'config'], object.config);
  if (object.timeout !== undefined && object.timeout !== null) {
    checkInt(issues, ['body', 'timeout'], object.timeout, { ge: 1, le: 3600 });
  }
  checkDict(issues, ['body', 'tags'], object.tags, 'string');
  checkDict(issues, ['body', 'lineage'], object.lineage);
  return issues;
}

/** `ChannelMessageRequest` (§1.4). */
export function validateChannelMessage(body: unknown): PydanticIssue[] {
  const issues: PydanticIssue[] = [];
  const object = bodyObject(issues, body);
  if (!object) return issues;
  if (required(issues, object, 'message')) {
    checkString(issues, ['body', 'message'], object.message, { min: 1, max: 10000 });
  }
  checkOptionalString(issues, ['body', 'session_id'], object.session_id);
  if (object.channel !== undefined) {
    checkString(issues, ['body', 'channel'], object.channel, { min: 1, max: 50 });
  }
  checkOptionalString(issues, ['body', 'user_id'], object.user_id);
  return issues;
}

/** `DeviceRegisterRequest`. */
export function validateDeviceRegister(body: unknown): PydanticIssue[] {
  const issues: PydanticIssue[] = [];
  const object = bodyObject(issues, body);
  if (object && required(issues, object, 'name')) {
    checkString(issues, ['body', 'name'], object.name, { min: 1, max: 100 });
  }
  return issues;
}

/** `DevicePairRequest`. */
export function validateDevicePair(body: unknown): PydanticIssue[] {
  const issues: PydanticIssue[] = [];
  const object = bodyObject(issues, body);
  if (!object) return issues;
  for (const [field, max] of [
    ['device_id', 200],
    ['pairing_code', 50],
    ['agent_id', 200],
  ] as const) {
    if (required(issues, object, field)) {
      checkString(issues, ['body', field], object[field], { min: 1, max });
    }
  }
  return issues;
}

/** A query integer (`from_seq`, `limit`); `undefined` when absent. */
export function queryInt(
  issues: PydanticIssue[],
  query: URLSearchParams,
  name: string,
): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const before = issues.length;
  checkInt(issues, ['query', name], raw, {});
  return issues.length === before ? Number(raw.trim()) : undefined;
}

/** A JSON body that did not parse: pydantic's `json_invalid` at Python's offset and message. */
export function jsonInvalid(text: string): PydanticIssue {
  const where = pythonJsonError(text) ?? { offset: 0, message: 'Expecting value' };
  return {
    type: 'json_invalid',
    loc: ['body', where.offset],
    msg: 'JSON decode error',
    input: {},
    ctx: { error: where.message },
  };
}
