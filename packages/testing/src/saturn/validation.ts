// docs/protocols/saturn.md §2.1 (plain 422 bodies) and §2.4 (the request models)
import { isObject, type PydanticIssue, type RawBody, ValidationFailure } from './http-io.js';

/** How one model field is validated, as pydantic 2 does for SATURN's request models. */
export type FieldRule =
  | { kind: 'str'; required: boolean; pattern?: string; nullable?: boolean }
  | { kind: 'dict'; required: boolean; nullable?: boolean };

/** A request model: field name (the wire alias) to its rule, in declaration order. */
export type ModelRules = Record<string, FieldRule>;

function checkField(name: string, rule: FieldRule, value: unknown, issues: PydanticIssue[]): void {
  const loc = ['body', name];
  if (value === null && rule.nullable) return;
  if (rule.kind === 'dict') {
    if (!isObject(value)) {
      issues.push({
        type: 'dict_type',
        loc,
        msg: 'Input should be a valid dictionary',
        input: value,
      });
    }
    return;
  }
  if (typeof value !== 'string') {
    issues.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input: value });
    return;
  }
  if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(value)) {
    issues.push({
      type: 'string_pattern_mismatch',
      loc,
      msg: `String should match pattern '${rule.pattern}'`,
      input: value,
      ctx: { pattern: rule.pattern },
    });
  }
}

/**
 * Validate a body against a model like FastAPI + pydantic 2: no body is `missing` at `body`; a
 * body that is not a JSON object is `model_attributes_type`; then every field, in order (all
 * problems at once). Unknown keys are ignored. Returns the object; throws {@link ValidationFailure}.
 */
export function validateBody(body: RawBody, rules: ModelRules): Record<string, unknown> {
  if (body.kind === 'none') {
    throw new ValidationFailure([
      { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
    ]);
  }
  if (!isObject(body.value)) {
    throw new ValidationFailure([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body.value,
      },
    ]);
  }
  const value = body.value;
  const issues: PydanticIssue[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    if (!Object.hasOwn(value, name)) {
      if (rule.required)
        issues.push({ type: 'missing', loc: ['body', name], msg: 'Field required', input: value });
      continue;
    }
    checkField(name, rule, value[name], issues);
  }
  if (issues.length > 0) throw new ValidationFailure(issues);
  return value;
}

/** A required query parameter (string): absent is a plain 422 `missing` at `query.<name>`. */
export function requireQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null) {
    throw new ValidationFailure([
      { type: 'missing', loc: ['query', name], msg: 'Field required', input: null },
    ]);
  }
  return value;
}

const str = (required: boolean, pattern?: string): FieldRule =>
  pattern === undefined ? { kind: 'str', required } : { kind: 'str', required, pattern };
const dict = (required: boolean, nullable = false): FieldRule => ({
  kind: 'dict',
  required,
  nullable,
});
const optionalStr = (pattern?: string): FieldRule =>
  pattern === undefined
    ? { kind: 'str', required: false, nullable: true }
    : { kind: 'str', required: false, nullable: true, pattern };

/** `AgentCreate`. */
export const AGENT_CREATE: ModelRules = {
  name: str(true),
  type: str(true, '^(chat|voice|task)$'),
  status: str(false, '^(active|disabled)$'),
  model_config: dict(true),
  behavior_config: dict(true),
  memory_config: dict(false, true),
  rag_config: dict(false, true),
  tool_policy: dict(false, true),
  channel_config: dict(false, true),
};

/** `AgentUpdate`: every field optional and nullable (a `null` is then ignored). */
export const AGENT_UPDATE: ModelRules = {
  name: optionalStr(),
  status: optionalStr('^(active|disabled)$'),
  model_config: dict(false, true),
  behavior_config: dict(false, true),
  memory_config: dict(false, true),
  rag_config: dict(false, true),
  tool_policy: dict(false, true),
  channel_config: dict(false, true),
};

/** `ChatRequest`. */
export const CHAT: ModelRules = {
  session_id: optionalStr(),
  message: str(true),
  metadata: dict(false, true),
};

/** `ToolCreate`. */
export const TOOL_CREATE: ModelRules = {
  name: str(true),
  type: str(true, '^(builtin|http|workflow)$'),
  description: str(true),
  input_schema: dict(true),
  output_schema: dict(false, true),
  config: dict(true),
  status: str(false, '^(active|disabled)$'),
};

/** `ToolTestRequest`. */
export const TOOL_TEST: ModelRules = { input: dict(true) };

/** `ToolAttachRequest`. */
export const TOOL_ATTACH: ModelRules = { tool_id: str(true), policy: dict(false, true) };

/** `ToolDetachRequest`. */
export const TOOL_DETACH: ModelRules = { tool_id: str(true) };

/** `KbUploadRequest`. */
export const KB_UPLOAD: ModelRules = { filename: str(true), content: str(true) };
