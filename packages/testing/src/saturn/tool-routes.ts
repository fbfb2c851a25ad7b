// docs/protocols/saturn.md §2.4 (tools) and §2.6 (TOOL_NOT_ALLOWED, attach/detach, test results)
import { requirePermission } from './auth.js';
import { isObject, SaturnFailure } from './http-io.js';
import type { SaturnContext, SaturnRoute } from './router.js';
import { detachedRead, type SaturnRuntime } from './runtime.js';
import type { FakeSaturnTool } from './state.js';
import { TOOL_ATTACH, TOOL_CREATE, TOOL_DETACH, TOOL_TEST } from './validation.js';

/** The company's tool, or 403 `TOOL_NOT_ALLOWED` (never 404). */
function findTool(runtime: SaturnRuntime, companyId: string, toolId: string): FakeSaturnTool {
  const tool = runtime.state.tools.get(toolId);
  if (!tool || tool.company_id !== companyId) throw new SaturnFailure('TOOL_NOT_ALLOWED');
  return tool;
}

/** Python's `isinstance` checks of the tool input validator (`bool` counts as an integer). */
function matchesType(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' || typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value) || typeof value === 'boolean';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    default:
      return false;
  }
}

/** The server's input check: object schemas only, required fields, then property types. */
function validateInput(schema: Record<string, unknown>, input: Record<string, unknown>): void {
  if (schema.type !== 'object')
    throw new SaturnFailure('TOOL_SCHEMA_INVALID', 'Only object schema supported');
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const field of required) {
    if (!Object.hasOwn(input, String(field))) {
      throw new SaturnFailure('TOOL_SCHEMA_INVALID', `Missing required field: ${String(field)}`);
    }
  }
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [key, value] of Object.entries(input)) {
    const property = properties[key];
    if (!isObject(property) || Object.keys(property).length === 0) continue;
    if (property.type && !matchesType(property.type, value)) {
      throw new SaturnFailure('TOOL_SCHEMA_INVALID', `Invalid type for field: ${key}`);
    }
  }
}

function create({ auth, body, runtime }: SaturnContext) {
  requirePermission(auth, 'tools:write', runtime.rolePermissions);
  const tool: FakeSaturnTool = {
    tool_id: crypto.randomUUID(),
    company_id: auth.company_id,
    name: body.name as string,
    type: body.type as string,
    description: body.description as string,
    input_schema: body.input_schema as Record<string, unknown>,
    output_schema: (body.output_schema as Record<string, unknown> | null | undefined) ?? null,
    config: body.config as Record<string, unknown>,
    status: (body.status as string | undefined) ?? 'active',
  };
  runtime.state.tools.set(tool.tool_id, tool);
  return { tool_id: tool.tool_id };
}

function list({ auth, runtime }: SaturnContext) {
  requirePermission(auth, 'tools:read', runtime.rolePermissions);
  const tools = [...runtime.state.tools.values()].filter((t) => t.company_id === auth.company_id);
  // Reading the loaded rows fails with the defect on, but only when there is a row to read.
  if (tools.length > 0) detachedRead(runtime, 'tools');
  return {
    tools: tools.map((t) => ({
      tool_id: t.tool_id,
      name: t.name,
      type: t.type,
      description: t.description,
      status: t.status,
    })),
  };
}

function test({ auth, body, params, runtime }: SaturnContext) {
  requirePermission(auth, 'tools:write', runtime.rolePermissions);
  const input = body.input as Record<string, unknown>;
  runtime.metrics.tool_calls++;
  try {
    const tool = findTool(runtime, auth.company_id, params.tool_id ?? '');
    validateInput(tool.input_schema, input);
    if (tool.status !== 'active') throw new SaturnFailure('TOOL_NOT_ALLOWED');
    if (tool.type === 'http' || tool.type === 'builtin')
      return { result: { status: 'ok', echo: input } };
    if (tool.type === 'workflow')
      return { result: { status: 'queued', job_id: crypto.randomUUID() } };
    throw new SaturnFailure('TOOL_EXECUTION_FAILED', 'Unknown tool type');
  } catch (error) {
    runtime.metrics.tool_failures++;
    throw error;
  }
}

function attach({ auth, body, params, runtime }: SaturnContext) {
  requirePermission(auth, 'tools:write', runtime.rolePermissions);
  const agentId = params.agent_id ?? '';
  const toolId = body.tool_id as string;
  findTool(runtime, auth.company_id, toolId);
  const { attachments } = runtime.state;
  const exists = attachments.some(
    (a) => a.company_id === auth.company_id && a.agent_id === agentId && a.tool_id === toolId,
  );
  if (!exists) {
    attachments.push({
      company_id: auth.company_id,
      agent_id: agentId,
      tool_id: toolId,
      policy: (body.policy as Record<string, unknown> | null | undefined) ?? null,
    });
  }
  return { agent_id: agentId, tool_id: toolId };
}

function detach({ auth, body, params, runtime }: SaturnContext) {
  requirePermission(auth, 'tools:write', runtime.rolePermissions);
  const agentId = params.agent_id ?? '';
  const toolId = body.tool_id as string;
  const { state } = runtime;
  state.attachments = state.attachments.filter(
    (a) => !(a.company_id === auth.company_id && a.agent_id === agentId && a.tool_id === toolId),
  );
  return { agent_id: agentId, tool_id: toolId };
}

/** `/tools`, `/tools/{tool_id}/test`, `/agents/{agent_id}/tools/attach|detach`. */
export const toolRoutes: SaturnRoute[] = [
  { method: 'POST', path: '/tools', credential: 'jwt', body: TOOL_CREATE, handler: create },
  { method: 'GET', path: '/tools', credential: 'jwt', handler: list },
  {
    method: 'POST',
    path: '/tools/{tool_id}/test',
    credential: 'jwt',
    body: TOOL_TEST,
    handler: test,
  },
  {
    method: 'POST',
    path: '/agents/{agent_id}/tools/attach',
    credential: 'jwt',
    body: TOOL_ATTACH,
    handler: attach,
  },
  {
    method: 'POST',
    path: '/agents/{agent_id}/tools/detach',
    credential: 'jwt',
    body: TOOL_DETACH,
    handler: detach,
  },
];
