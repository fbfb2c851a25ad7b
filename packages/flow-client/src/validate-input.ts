// docs/protocols/ai-spine.md §4.1, §4.2, §4.7, §7 and §10 (checks made before sending).
import type { ConfigurationProblem } from '@uplink/core-schemas';
import {
  type AgentCreateRequest,
  AgentCreateRequestSchema,
  isExecutionId,
  SPINE_ID_PATTERN,
} from '@uplink/core-schemas/ai-spine';
import * as v from 'valibot';
import { InvalidArgumentError } from './errors.js';

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}

/** Throw {@link InvalidArgumentError} unless `id` is a UUID (the server would answer 422). */
export function assertExecutionId(id: unknown): asserts id is string {
  if (!isExecutionId(id)) {
    throw new InvalidArgumentError([
      {
        setting: 'executionId',
        message: `expected a UUID such as 7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d, received ${describe(id)}`,
      },
    ]);
  }
}

/** Throw {@link InvalidArgumentError} unless `id` is a flow or agent id (`[a-zA-Z0-9_-]{1,100}`). */
export function assertSpineId(setting: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || !SPINE_ID_PATTERN.test(id)) {
    throw new InvalidArgumentError([
      { setting, message: `expected 1-100 letters, digits, "_" or "-", received ${describe(id)}` },
    ]);
  }
}

/** The checks on an execute request that the server would otherwise answer with 422. */
export function executeProblems(
  input: unknown,
  priority: unknown,
  metadata: unknown,
): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObject(input)) {
    problems.push({
      setting: 'input',
      message: `expected a JSON object, received ${describe(input)}`,
    });
  }
  if (metadata !== undefined && !isObject(metadata)) {
    problems.push({
      setting: 'metadata',
      message: `expected a JSON object, received ${describe(metadata)}`,
    });
  }
  if (
    priority !== undefined &&
    !(Number.isInteger(priority) && (priority as number) >= 0 && (priority as number) <= 10)
  ) {
    problems.push({
      setting: 'priority',
      message: `expected an integer from 0 to 10, received ${String(priority)}`,
    });
  }
  return problems;
}

/**
 * Check an agent registration against the backend's rules and allow-lists (stricter than the
 * server, which accepts unknown capabilities and then drops the agent on restart) and return
 * the body to send. Throws {@link InvalidArgumentError} listing every problem.
 */
export function checkAgentConfig(config: unknown): AgentCreateRequest {
  const body =
    typeof config === 'object' && config !== null && !Array.isArray(config)
      ? { ...config, agent_type: (config as { agent_type?: unknown }).agent_type ?? 'processor' }
      : config;
  const result = v.safeParse(AgentCreateRequestSchema, body);
  if (result.success) return result.output;
  // One problem per field (the first), so `endpoint: "x"` is not reported twice.
  const problems = new Map<string, string>();
  for (const issue of result.issues) {
    const path = v.getDotPath(issue);
    const setting = `config${path ? `.${path}` : ''}`;
    if (!problems.has(setting)) problems.set(setting, agentIssueMessage(issue));
  }
  throw new InvalidArgumentError([...problems].map(([setting, message]) => ({ setting, message })));
}

const AGENT_KEYS = Object.keys(AgentCreateRequestSchema.entries);
const EXPECTED_TYPES: Record<string, string> = {
  Object: 'a JSON object',
  Array: 'an array',
  string: 'a string',
  boolean: 'a boolean',
};

/** A readable message for one schema issue: what was expected, and what came instead. */
function agentIssueMessage(issue: v.BaseIssue<unknown>): string {
  const key = issue.path?.at(-1)?.key;
  if (issue.type === 'strict_object' && issue.input !== undefined && typeof key === 'string') {
    return `unknown key; expected only ${AGENT_KEYS.join(', ')}`;
  }
  if (issue.input === undefined && typeof key === 'string') return 'required, but missing';
  if (issue.kind === 'schema' && issue.expected && issue.message.startsWith('Invalid type')) {
    const expected = EXPECTED_TYPES[issue.expected] ?? issue.expected;
    return `expected ${expected}, received ${describe(issue.input)}`;
  }
  return `${issue.message}, received ${describe(issue.input)}`;
}
