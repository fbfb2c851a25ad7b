import { AuthenticationError, NotFoundError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import {
  AGENT_CAPABILITIES,
  FlowClient,
  FlowNotFoundError,
  InvalidArgumentError,
} from '../src/index.js';
import { startSpine } from './helpers.js';

const agent = {
  agent_id: 'my-agent',
  name: 'My Agent',
  description: 'does X',
  endpoint: 'http://127.0.0.1:9/agent',
  capabilities: ['conversation'],
  agent_type: 'processor' as const,
};

describe('flows, agents and system routes against FakeAiSpine', () => {
  it('lists and gets flows, unwrapping {flows}', async () => {
    const spine = await startSpine({ echo: (req) => req.input });
    const client = new FlowClient({ baseUrl: spine.url });
    const flows = await client.listFlows();
    expect(flows.map((f) => f.flow_id).sort()).toEqual(['credit_analysis', 'echo_flow']);
    const flow = await client.getFlow('credit_analysis');
    expect(flow.version).toBe('1.0.0');
    expect(flow.nodes.map((n) => n.id)).toEqual(['zoe', 'eddie', 'result']);
    const error = await client.getFlow('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowNotFoundError);
    expect((error as FlowNotFoundError).status).toBe(404);
    expect((error as Error).message).toContain(`Flow 'missing' not found`);
  });

  it('creates, lists, gets and deletes agents; deleteAgent answers false on 404', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const created = await client.createAgent(agent);
    expect(created).toMatchObject({ ...agent, is_active: true });
    expect(spine.agents.has('my-agent')).toBe(true);
    expect((await client.listAgents()).map((a) => a.agent_id)).toEqual(['my-agent']);
    expect((await client.getAgent('my-agent')).endpoint).toBe(agent.endpoint);
    expect(await client.deleteAgent('my-agent')).toBe(true);
    expect(await client.deleteAgent('my-agent')).toBe(false);
    await expect(client.getAgent('my-agent')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('defaults agent_type to processor', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const { agent_type: _omitted, ...rest } = agent;
    await expect(client.createAgent(rest)).resolves.toMatchObject({ agent_type: 'processor' });
  });

  it('checks agent_type, capabilities and endpoint against the allow-lists before sending', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const error = await client
      .createAgent({
        ...agent,
        agent_type: 'custom' as never,
        capabilities: ['conversation', 'telepathy'],
        endpoint: 'http://127.0.0.1:9/agent/',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const problems = (error as InvalidArgumentError).problems;
    expect(problems.map((p) => p.setting).sort()).toEqual([
      'config.agent_type',
      'config.capabilities.1',
      'config.endpoint',
    ]);
    expect((error as Error).message).toContain('"telepathy"');
    expect((error as Error).message).toContain(AGENT_CAPABILITIES.join(', '));
    await expect(client.createAgent('nope' as never)).rejects.toThrow(
      'Invalid argument: config: expected a JSON object, received "nope"',
    );
    expect(spine.requests).toHaveLength(0);
  });

  it('names missing and unknown keys once each, with what was expected', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const error = (await client
      .createAgent({
        agent_id: 'a',
        endpoint: 'x',
        capabilities: 'conversation',
        extra: 1,
      } as never)
      .catch((e: unknown) => e)) as InvalidArgumentError;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.problems).toEqual([
      { setting: 'config.name', message: 'required, but missing' },
      { setting: 'config.description', message: 'required, but missing' },
      { setting: 'config.endpoint', message: 'Expected an absolute URL, received "x"' },
      { setting: 'config.capabilities', message: 'expected an array, received "conversation"' },
      {
        setting: 'config.extra',
        message:
          'unknown key; expected only agent_id, name, description, endpoint, capabilities, agent_type, is_active',
      },
    ]);
    expect(spine.requests).toHaveLength(0);
  });

  it('reads health, metrics and status from the root routes', async () => {
    const spine = await startSpine({ ok: () => ({}) });
    const client = new FlowClient({ baseUrl: `${spine.url}/`, apiPrefix: '/api/v1/' });
    expect(client.baseUrl).toBe(spine.url);
    expect(client.apiPrefix).toBe('/api/v1');
    await client.executeAndWait('ok_flow', {}, { intervalMs: 5 });
    await expect(client.healthCheck()).resolves.toMatchObject({ status: 'healthy' });
    const metrics = await client.getMetrics();
    expect(metrics.total_executions).toBe(1);
    expect(metrics.successful_executions).toBe(1);
    await expect(client.getStatus()).resolves.toMatchObject({ status: 'operational' });
    expect(spine.requests.map((r) => r.url)).toContain('/health');
    expect(spine.requests.at(-1)?.headers['user-agent']).toMatch(
      /^uplink-flow-client\/\d+\.\d+\.\d+ /,
    );
  });

  it("uses the root routes with apiPrefix '' and sends the key only when set, never leaking it", async () => {
    const spine = await startSpine({}, { apiKeyRequired: true });
    const anonymous = new FlowClient({ baseUrl: spine.url, apiPrefix: '' });
    await expect(anonymous.executeFlow('credit_analysis', {})).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(spine.requests.at(-1)?.headers.authorization).toBeUndefined();

    const wrong = new FlowClient({
      baseUrl: spine.url,
      apiPrefix: '',
      apiKey: 'sk_wrong-key-123456',
    });
    const error = await wrong.executeFlow('credit_analysis', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('Invalid API key');
    expect(JSON.stringify((error as AuthenticationError).toJSON())).not.toContain(
      'sk_wrong-key-123456',
    );

    const keyed = new FlowClient({ baseUrl: spine.url, apiPrefix: '', apiKey: spine.apiKey });
    const started = await keyed.executeFlow('credit_analysis', {});
    expect(spine.requests.at(-1)?.url).toBe('/flows/execute');
    expect(spine.requests.at(-1)?.headers.authorization).toBe(`Bearer ${spine.apiKey}`);
    expect((await keyed.listFlows()).length).toBeGreaterThan(0);
    await expect(keyed.getExecution(started.execution_id)).resolves.toMatchObject({
      flow_id: 'credit_analysis',
    });
  });

  it('fails calls after close()', async () => {
    const spine = await startSpine();
    await using client = new FlowClient({ baseUrl: spine.url });
    await client.close();
    await expect(client.listFlows()).rejects.toThrow();
    expect(spine.requests).toHaveLength(0);
  });
});
