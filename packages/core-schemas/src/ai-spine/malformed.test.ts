import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import { parseWire } from '../parse.js';
import * as spine from './index.js';

const EID = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
const execution = {
  execution_id: EID,
  flow_id: 'credit_analysis',
  status: 'running',
  input_data: { amount: 50000 },
  output_data: {},
  error_message: null,
  created_at: '2025-08-15T21:03:11.123456',
  updated_at: '2025-08-15T21:03:11.123456',
  completed_at: null,
};
const flow = {
  flow_id: 'f',
  name: 'F',
  description: 'd',
  entry_point: 'a',
  nodes: [
    { id: 'a', agent_id: 'a', type: 'input' },
    { id: 'b', agent_id: null, type: 'output', depends_on: ['a'] },
  ],
};
const agent = {
  agent_id: 'zoe',
  name: 'Zoe',
  description: '...',
  endpoint: 'http://localhost:8001/zoe',
  capabilities: ['conversation'],
  agent_type: 'input',
  is_active: true,
  created_at: '2025-08-15T21:00:00',
  updated_at: '2025-08-15T21:00:00',
};
const create = {
  agent_id: 'my-agent',
  name: 'My Agent',
  description: 'does X',
  endpoint: 'https://my-agent.example.com',
  capabilities: ['conversation'],
  agent_type: 'processor',
};

type Case = [name: string, schema: v.GenericSchema, input: unknown, path: string];

// Missing required fields, wrong types, nulls where none are allowed, unknown enum values,
// non-UUID ids, unknown keys on strict request bodies.
const corpus: Case[] = [
  ['execute: missing input_data', spine.ExecutionRequestSchema, { flow_id: 'x' }, 'input_data'],
  [
    'execute: input_data array',
    spine.ExecutionRequestSchema,
    { flow_id: 'x', input_data: [] },
    'input_data',
  ],
  [
    'execute: empty flow_id',
    spine.ExecutionRequestSchema,
    { flow_id: '', input_data: {} },
    'flow_id',
  ],
  [
    'execute: priority 11',
    spine.ExecutionRequestSchema,
    { flow_id: 'x', input_data: {}, priority: 11 },
    'priority',
  ],
  [
    'execute: priority 1.5',
    spine.ExecutionRequestSchema,
    { flow_id: 'x', input_data: {}, priority: 1.5 },
    'priority',
  ],
  [
    'execute: unknown key (strict)',
    spine.ExecutionRequestSchema,
    { flow_id: 'x', input_data: {}, webhook: 'u' },
    'webhook',
  ],
  [
    'execute response: non-UUID id',
    spine.ExecutionResponseSchema,
    { execution_id: 'exec-123', status: 'pending' },
    'execution_id',
  ],
  [
    'execute response: null status',
    spine.ExecutionResponseSchema,
    { execution_id: EID, status: null },
    'status',
  ],
  [
    'execute response: numeric error',
    spine.ExecutionResponseSchema,
    { execution_id: EID, status: 'failed', error: 1 },
    'error',
  ],
  [
    'execution: missing flow_id',
    spine.ExecutionContextSchema,
    { ...execution, flow_id: undefined },
    'flow_id',
  ],
  [
    'execution: null input_data',
    spine.ExecutionContextSchema,
    { ...execution, input_data: null },
    'input_data',
  ],
  [
    'execution: bad created_at',
    spine.ExecutionContextSchema,
    { ...execution, created_at: 'yesterday' },
    'created_at',
  ],
  [
    'execution: epoch completed_at',
    spine.ExecutionContextSchema,
    { ...execution, completed_at: 1755291791 },
    'completed_at',
  ],
  [
    'execution: non-UUID id',
    spine.ExecutionContextSchema,
    { ...execution, execution_id: '7b0c...' },
    'execution_id',
  ],
  ['execution list: plain array', spine.ExecutionListSchema, [execution], 'executions'],
  [
    'execution list: bad item',
    spine.ExecutionListSchema,
    { executions: [{ ...execution, status: 3 }] },
    'executions.0.status',
  ],
  [
    'node result: non-UUID execution',
    spine.NodeResultSchema,
    { id: 'x', execution_id: 'nope', node_id: 'n', status: 'completed' },
    'execution_id',
  ],
  [
    'results: missing node_results',
    spine.ExecutionResultsSchema,
    { execution_id: EID },
    'node_results',
  ],
  ['flow: version as number', spine.FlowDefinitionSchema, { ...flow, version: 1 }, 'version'],
  [
    'flow: missing entry_point',
    spine.FlowDefinitionSchema,
    { ...flow, entry_point: undefined },
    'entry_point',
  ],
  [
    'flow: unknown node type',
    spine.FlowDefinitionSchema,
    { ...flow, nodes: [flow.nodes[0], { id: 'b', type: 'loop' }] },
    'nodes.1.type',
  ],
  [
    'flow: depends_on string',
    spine.FlowDefinitionSchema,
    { ...flow, nodes: [{ id: 'a', type: 'input', depends_on: 'z' }] },
    'nodes.0.depends_on',
  ],
  ['flow: null name', spine.FlowDefinitionSchema, { ...flow, name: null }, 'name'],
  ['flow list: plain array', spine.FlowListSchema, [flow], 'flows'],
  [
    'flow list: bad flow',
    spine.FlowListSchema,
    { flows: [{ ...flow, nodes: null }] },
    'flows.0.nodes',
  ],
  ['agent: custom type', spine.AgentInfoSchema, { ...agent, agent_type: 'custom' }, 'agent_type'],
  [
    'agent: capabilities string',
    spine.AgentInfoSchema,
    { ...agent, capabilities: 'conversation' },
    'capabilities',
  ],
  ['agent: is_active string', spine.AgentInfoSchema, { ...agent, is_active: 'yes' }, 'is_active'],
  ['agent list: missing agents', spine.AgentListSchema, { count: 0 }, 'agents'],
  [
    'create agent: missing agent_type',
    spine.AgentCreateRequestSchema,
    { ...create, agent_type: undefined },
    'agent_type',
  ],
  [
    'create agent: custom type',
    spine.AgentCreateRequestSchema,
    { ...create, agent_type: 'custom' },
    'agent_type',
  ],
  [
    'create agent: capability off the allow-list',
    spine.AgentCreateRequestSchema,
    { ...create, capabilities: ['conversation', 'flying'] },
    'capabilities.1',
  ],
  [
    'create agent: trailing slash',
    spine.AgentCreateRequestSchema,
    { ...create, endpoint: 'https://a.example.com/' },
    'endpoint',
  ],
  [
    'create agent: relative endpoint',
    spine.AgentCreateRequestSchema,
    { ...create, endpoint: '/agent' },
    'endpoint',
  ],
  [
    'create agent: ftp endpoint',
    spine.AgentCreateRequestSchema,
    { ...create, endpoint: 'ftp://a.example.com' },
    'endpoint',
  ],
  [
    'create agent: bad id',
    spine.AgentCreateRequestSchema,
    { ...create, agent_id: 'my agent!' },
    'agent_id',
  ],
  [
    'create agent: unknown key (strict)',
    spine.AgentCreateRequestSchema,
    { ...create, status: 'active' },
    'status',
  ],
  [
    'agent execute: missing node_id',
    spine.AgentExecuteRequestSchema,
    { execution_id: EID, input: {}, config: {} },
    'node_id',
  ],
  ['agent answer: output array', spine.AgentExecuteResponseSchema, { output: [1] }, 'output'],
  [
    'health: string timestamp',
    spine.HealthSchema,
    { status: 'healthy', timestamp: 'now' },
    'timestamp',
  ],
  [
    'metrics: string count',
    spine.MetricsSchema,
    {
      total_executions: '12',
      successful_executions: 0,
      failed_executions: 0,
      average_execution_time: 0,
      total_execution_time: 0,
    },
    'total_executions',
  ],
  [
    'status: missing agents.total',
    spine.StatusSchema,
    { status: 'operational', components: {}, agents: { active: 1 }, flows: { total: 1 } },
    'agents.total',
  ],
  [
    'user: string credits',
    spine.UserSchema,
    { id: 'u', email: 'e', name: 'n', credits: 'lots', rate_limit: 1 },
    'credits',
  ],
  ['error: numeric detail', spine.ErrorDetailSchema, { detail: 5 }, 'detail'],
  ['error: missing detail', spine.ErrorDetailSchema, { message: 'x' }, 'detail'],
  ['message: missing message', spine.MessageResponseSchema, { detail: 'x' }, 'message'],
];

describe('AI Spine malformed corpus', () => {
  it.each(corpus)('%s -> rejected at the expected path', (_name, schema, input, path) => {
    const result = v.safeParse(schema, input);
    expect(result.success).toBe(false);
    expect(v.getDotPath(result.issues?.[0] as v.BaseIssue<unknown>) ?? '').toBe(path);
    // The shared error names that path and what was expected.
    const error = (() => {
      try {
        parseWire(schema, input, 'AI Spine body');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe(path);
    expect((error as Error).message).toMatch(/^Invalid AI Spine body: at /);
  });
});

describe('AI Spine tolerant readers', () => {
  it('keeps unknown statuses and unknown fields on responses', () => {
    const parsed = v.parse(spine.ExecutionContextSchema, {
      ...execution,
      status: 'queued',
      started_at: '2025-08-15T21:03:11',
      output_data: null,
    });
    expect(parsed.status).toBe('queued');
    expect(parsed.started_at).toBe('2025-08-15T21:03:11');
    expect(parsed.output_data).toEqual({});
    expect(spine.isKnownExecutionStatus(parsed.status)).toBe(false);
    expect(spine.isTerminalExecutionStatus(parsed.status)).toBe(false);
    for (const status of ['completed', 'failed', 'cancelled']) {
      expect(spine.isTerminalExecutionStatus(status)).toBe(true);
    }
    expect(spine.isKnownExecutionStatus('pending')).toBe(true);
  });

  it('accepts unknown capabilities in responses and fills metrics the server never computes', () => {
    expect(v.parse(spine.AgentInfoSchema, { ...agent, capabilities: ['x'] }).capabilities).toEqual([
      'x',
    ]);
    const metrics = v.parse(spine.MetricsSchema, {
      total_executions: 1,
      successful_executions: 1,
      failed_executions: 0,
      average_execution_time: 0,
      total_execution_time: 0,
    });
    expect(metrics).toMatchObject({ cancelled_executions: 0, running_executions: 0 });
  });

  it('accepts every execution id form the server sends, and timestamps with or without offset', () => {
    expect(spine.isExecutionId(EID)).toBe(true);
    expect(spine.isExecutionId(spine.ZERO_EXECUTION_ID)).toBe(true);
    expect(spine.isExecutionId('exec-123')).toBe(false);
    expect(spine.isExecutionId(42)).toBe(false);
    const cases: [string, string | undefined][] = [
      ['2025-08-15T21:03:11', '2025-08-15T21:03:11.000Z'],
      ['2025-08-15 21:03:11.5+02:00', '2025-08-15T19:03:11.500Z'],
      ['2025-08-15T21:03:11Z', '2025-08-15T21:03:11.000Z'],
      ['2025-13-45T21:03:11', undefined],
      ['not a date', undefined],
    ];
    for (const [text, iso] of cases) {
      expect(spine.parseSpineTimestamp(text)?.toISOString()).toBe(iso);
    }
    expect(spine.parseSpineTimestamp(null)).toBeUndefined();
  });

  it('validates flow graphs: unknown deps, duplicate ids, cycles, bad entry/exit points', () => {
    const parse = (input: unknown) => v.parse(spine.FlowDefinitionSchema, input);
    expect(spine.validateFlowGraph(parse(flow))).toEqual([]);
    expect(
      spine.validateFlowGraph(
        parse({
          ...flow,
          entry_point: 'q',
          exit_points: ['r'],
          nodes: [
            { id: 'a', type: 'input', depends_on: ['zz'] },
            { id: 'a', type: 'output' },
          ],
        }),
      ),
    ).toEqual([
      "Duplicate node id 'a'",
      "Node 'a' depends on unknown node 'zz'",
      "Entry point 'q' is not a node id",
      "Exit point 'r' is not a node id",
    ]);
    const cyclic = parse({
      ...flow,
      nodes: [
        { id: 'a', type: 'input', depends_on: ['b'] },
        { id: 'b', type: 'output', depends_on: ['a'] },
      ],
    });
    expect(spine.validateFlowGraph(cyclic)).toEqual(['The flow graph has a cycle']);
    expect(spine.topologicalOrder(cyclic)).toBeUndefined();
    expect(
      spine.topologicalOrder(
        parse({ ...flow, nodes: [{ id: 'a', type: 'input', depends_on: ['x'] }] }),
      ),
    ).toBeUndefined();
  });

  it('request bodies accept the documented optional fields', () => {
    const body = v.parse(spine.ExecutionRequestSchema, {
      flow_id: 'credit_analysis',
      input_data: {},
      metadata: {},
      user_id: null,
      priority: 10,
      timeout: null,
    });
    expect(body.priority).toBe(10);
    expect(v.parse(spine.AgentCreateRequestSchema, { ...create, is_active: false }).is_active).toBe(
      false,
    );
    expect(v.parse(spine.SpineIdSchema, 'credit_analysis-2')).toBe('credit_analysis-2');
  });
});
