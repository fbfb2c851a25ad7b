// docs/protocols/ai-spine.md §4.1 (ExecutionRequest validation) and §4.7 (agent body quirks)
import { AGENT_TYPES, type AgentInfo } from '@uplink/core-schemas/ai-spine';
import { isObject, type PydanticIssue, pythonTimestamp } from './http-io.js';

/** A validated execute body, with the server's defaults applied. */
export interface ExecuteBody {
  flow_id: string;
  input_data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  user_id: string | null;
  priority: number;
  timeout: number | null;
}

function intIssue(value: unknown, loc: (string | number)[]): PydanticIssue | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) {
    return {
      type: 'int_from_float',
      loc,
      msg: 'Input should be a valid integer, got a number with a fractional part',
      input: value,
    };
  }
  return { type: 'int_type', loc, msg: 'Input should be a valid integer', input: value };
}

/**
 * Validate an execute body like pydantic does for `ExecutionRequest`, collecting every
 * problem. Returns the body with defaults, or the 422 issues.
 */
export function validateExecuteBody(
  body: unknown,
): { ok: true; value: ExecuteBody } | { ok: false; issues: PydanticIssue[] } {
  if (!isObject(body)) {
    return {
      ok: false,
      issues: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: body,
        },
      ],
    };
  }
  const issues: PydanticIssue[] = [];
  const missing = (field: string): void => {
    issues.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: body });
  };
  const dict = (field: string, value: unknown): void => {
    if (!isObject(value)) {
      issues.push({
        type: 'dict_type',
        loc: ['body', field],
        msg: 'Input should be a valid dictionary',
        input: value,
      });
    }
  };
  if (!('flow_id' in body)) missing('flow_id');
  else if (typeof body.flow_id !== 'string') {
    issues.push({
      type: 'string_type',
      loc: ['body', 'flow_id'],
      msg: 'Input should be a valid string',
      input: body.flow_id,
    });
  }
  if (!('input_data' in body)) missing('input_data');
  else dict('input_data', body.input_data);
  if (body.metadata !== undefined) dict('metadata', body.metadata);
  if (body.user_id !== undefined && body.user_id !== null && typeof body.user_id !== 'string') {
    issues.push({
      type: 'string_type',
      loc: ['body', 'user_id'],
      msg: 'Input should be a valid string',
      input: body.user_id,
    });
  }
  if (body.priority !== undefined) {
    const issue = intIssue(body.priority, ['body', 'priority']);
    if (issue) issues.push(issue);
    else if ((body.priority as number) < 0) {
      issues.push({
        type: 'greater_than_equal',
        loc: ['body', 'priority'],
        msg: 'Input should be greater than or equal to 0',
        input: body.priority,
        ctx: { ge: 0 },
      });
    } else if ((body.priority as number) > 10) {
      issues.push({
        type: 'less_than_equal',
        loc: ['body', 'priority'],
        msg: 'Input should be less than or equal to 10',
        input: body.priority,
        ctx: { le: 10 },
      });
    }
  }
  if (body.timeout !== undefined && body.timeout !== null) {
    const issue = intIssue(body.timeout, ['body', 'timeout']);
    if (issue) issues.push(issue);
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      flow_id: body.flow_id as string,
      input_data: body.input_data as Record<string, unknown>,
      metadata: (body.metadata as Record<string, unknown> | undefined) ?? {},
      user_id: (body.user_id as string | null | undefined) ?? null,
      priority: (body.priority as number | undefined) ?? 0,
      timeout: (body.timeout as number | null | undefined) ?? null,
    },
  };
}

const REQUIRED_AGENT_KEYS = [
  'agent_id',
  'name',
  'description',
  'endpoint',
  'capabilities',
  'agent_type',
] as const;

function pydanticMessage(
  field: string,
  message: string,
  type: string,
  value: unknown,
  url: string,
): string {
  const repr = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  const inputType = Array.isArray(value) ? 'list' : value === null ? 'NoneType' : typeof value;
  return [
    '1 validation error for AgentInfo',
    field,
    `  ${message} [type=${type}, input_value=${repr}, input_type=${inputType === 'string' ? 'str' : inputType}]`,
    `    For further information visit https://errors.pydantic.dev/2.11/v/${url}`,
  ].join('\n');
}

/**
 * Build an agent from a create body the way the backend handler does (§4.7): a missing key is a
 * 500 with the key in quotes (a Python `KeyError`), a bad `agent_type` or field type is a 500
 * with pydantic's multi-line text. Capabilities and endpoint are not checked (§7).
 */
export function buildAgentFromBody(
  body: Record<string, unknown>,
  now: Date = new Date(),
): { ok: true; agent: AgentInfo } | { ok: false; detail: string } {
  for (const key of REQUIRED_AGENT_KEYS) {
    if (!(key in body)) return { ok: false, detail: `'${key}'` };
  }
  if (!(AGENT_TYPES as readonly unknown[]).includes(body.agent_type)) {
    const msg = `Input should be ${AGENT_TYPES.slice(0, -1)
      .map((t) => `'${t}'`)
      .join(', ')} or '${AGENT_TYPES.at(-1)}'`;
    return {
      ok: false,
      detail: pydanticMessage('agent_type', msg, 'enum', body.agent_type, 'enum'),
    };
  }
  for (const key of ['agent_id', 'name', 'description', 'endpoint'] as const) {
    if (typeof body[key] !== 'string') {
      const msg = 'Input should be a valid string';
      return {
        ok: false,
        detail: pydanticMessage(key, msg, 'string_type', body[key], 'string_type'),
      };
    }
  }
  const caps = body.capabilities;
  if (!Array.isArray(caps) || caps.some((c) => typeof c !== 'string')) {
    const msg = 'Input should be a valid list of strings';
    return {
      ok: false,
      detail: pydanticMessage('capabilities', msg, 'list_type', caps, 'list_type'),
    };
  }
  if (body.is_active !== undefined && typeof body.is_active !== 'boolean') {
    const msg = 'Input should be a valid boolean';
    return {
      ok: false,
      detail: pydanticMessage('is_active', msg, 'bool_type', body.is_active, 'bool_type'),
    };
  }
  const stamp = pythonTimestamp(now);
  return {
    ok: true,
    agent: {
      agent_id: body.agent_id as string,
      name: body.name as string,
      description: body.description as string,
      endpoint: body.endpoint as string,
      capabilities: caps as string[],
      agent_type: body.agent_type as AgentInfo['agent_type'],
      is_active: (body.is_active as boolean | undefined) ?? true,
      created_at: stamp,
      updated_at: stamp,
    },
  };
}
