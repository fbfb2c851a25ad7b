import {
  ConfigurationError,
  InternalServerError,
  RateLimitError,
  ResponseValidationError,
  UnprocessableEntityError,
} from '@uplink/core-schemas';
import { startServer } from '@uplink/testing/vitest';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL } from './client-options.js';
import { ExecutionError, ServerValidationError } from './errors.js';
import { FlowClient } from './flow-client.js';

const ID = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
const agent = {
  agent_id: 'a1',
  name: 'A',
  description: 'd',
  endpoint: 'https://agent.example.com',
  capabilities: ['conversation'],
  agent_type: 'processor' as const,
};

/** A loopback server that answers every request with one fixed response. */
async function answering(status: number, body: string, headers: Record<string, string> = {}) {
  const seen: { method: string; url: string; body: string }[] = [];
  const server = await startServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    seen.push({ method: req.method ?? '', url: req.url ?? '', body: text });
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  });
  return { client: new FlowClient({ baseUrl: server.url, retry: false }), seen };
}

describe('FlowClient error mapping over real HTTP', () => {
  it('recognises a 500-wrapped missing key as ServerValidationError', async () => {
    const { client } = await answering(500, JSON.stringify({ detail: "'agent_type'" }));
    const error = await client.createAgent(agent).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerValidationError);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as ServerValidationError).field).toBe('agent_type');
    expect((error as Error).message).toBe(
      'The server rejected the request: required field "agent_type" is missing (HTTP 500 wrapping a validation error)',
    );
  });

  it("recognises pydantic's multi-line 500 detail", async () => {
    const detail =
      "1 validation error for AgentInfo\nagent_type\n  Input should be 'input', 'processor', 'output' or 'conditional' [type=enum, input_value='custom', input_type=str]";
    const { client } = await answering(500, JSON.stringify({ detail }));
    const error = (await client
      .createAgent(agent)
      .catch((e: unknown) => e)) as ServerValidationError;
    expect(error).toBeInstanceOf(ServerValidationError);
    expect(error.field).toBe('agent_type');
    expect(error.message).toContain(
      `invalid "agent_type": Input should be 'input', 'processor', 'output' or 'conditional'`,
    );
  });

  it('leaves other 500s as InternalServerError with the detail as message', async () => {
    const { client } = await answering(500, JSON.stringify({ detail: 'database is down' }));
    const error = await client.createAgent(agent).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).not.toBeInstanceOf(ServerValidationError);
    expect((error as Error).message).toContain('database is down');
  });

  it('carries retryAfterMs on RateLimitError', async () => {
    const { client } = await answering(429, JSON.stringify({ detail: 'slow down' }), {
      'retry-after': '3',
    });
    const error = (await client.listFlows().catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toContain('slow down');
  });

  it('joins a 422 detail list into the message', async () => {
    const detail = [
      { type: 'missing', loc: ['body', 'input_data'], msg: 'Field required', input: {} },
    ];
    const { client } = await answering(422, JSON.stringify({ detail }));
    const error = await client.executeFlow('f', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as Error).message).toContain('body.input_data: Field required');
  });

  it('summarises an HTML error page', async () => {
    const { client } = await answering(
      502,
      '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
      { 'content-type': 'text/html' },
    );
    const error = await client.healthCheck().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toContain('Bad Gateway');
    expect((error as Error).message).not.toContain('<html>');
  });

  it('throws ResponseValidationError for malformed JSON and for a wrong shape', async () => {
    const garbage = await answering(200, '{"flows": [');
    await expect(garbage.client.listFlows()).rejects.toBeInstanceOf(ResponseValidationError);
    const wrong = await answering(200, JSON.stringify({ flows: 'none' }));
    await expect(wrong.client.listFlows()).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it('names the field at fault in a bad list, wrapped or bare', async () => {
    const flows = await answering(200, JSON.stringify({ flows: [{ flow_id: 'x' }], count: 1 }));
    const flowError = await flows.client.listFlows().catch((e: unknown) => e);
    expect(flowError).toBeInstanceOf(ResponseValidationError);
    expect((flowError as Error).message).toMatch(/flows\.0\.name/);
    expect((flowError as Error).message).not.toContain('Object | Array');
    const agents = await answering(200, JSON.stringify([{ ...agent, agent_type: 'custom' }]));
    const agentError = await agents.client.listAgents().catch((e: unknown) => e);
    expect(agentError).toBeInstanceOf(ResponseValidationError);
    expect((agentError as Error).message).toMatch(/0\.agent_type/);
  });

  it('accepts plain arrays for lists', async () => {
    const flow = { flow_id: 'f', name: 'F', description: '', nodes: [], entry_point: 'x' };
    const flows = await answering(200, JSON.stringify([flow]));
    expect((await flows.client.listFlows()).map((f) => f.flow_id)).toEqual(['f']);
    const agents = await answering(200, JSON.stringify([agent]));
    expect((await agents.client.listAgents()).map((a) => a.agent_id)).toEqual(['a1']);
  });

  it('turns a failed start into ExecutionError without polling', async () => {
    const { client, seen } = await answering(
      200,
      JSON.stringify({
        execution_id: ID,
        status: 'failed',
        result: null,
        error: 'Failed to start execution: queue full',
        execution_time: null,
      }),
    );
    const error = (await client
      .executeAndWait('f', { a: 1 })
      .catch((e: unknown) => e)) as ExecutionError;
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error.message).toBe('Flow "f" did not start: Failed to start execution: queue full');
    expect(error.executionId).toBe(ID);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ flow_id: 'f', input_data: { a: 1 } });
  });

  it('treats the zero UUID as a failed start even without an error text', async () => {
    const { client } = await answering(
      200,
      JSON.stringify({ execution_id: '00000000-0000-0000-0000-000000000000', status: 'pending' }),
    );
    await expect(client.executeFlow('f', {})).rejects.toThrow(
      'Flow "f" did not start: the server answered status "pending" without an error message',
    );
  });
});

describe('FlowClient options', () => {
  it('defaults to the production host and /api/v1', () => {
    const client = new FlowClient();
    expect(client.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(client.apiPrefix).toBe('/api/v1');
  });

  it('reports bad options without echoing the key', () => {
    const error = (() => {
      try {
        new FlowClient({ apiPrefix: 'api v1', apiKey: ' ' });
      } catch (e) {
        return e;
      }
    })() as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.problems.map((p) => p.setting)).toEqual(['apiPrefix', 'apiKey']);
    expect(() => new FlowClient({ baseUrl: 'ftp://x' })).toThrow(ConfigurationError);
    expect(() => new FlowClient({ timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  it('rejects a key that cannot be sent as a header, without quoting any of it', () => {
    // fetch would fail later with "Headers.append: "Bearer <key>" is an invalid header value",
    // and only the part of the key before the line break would be redacted.
    for (const apiKey of [
      'sk_first-part\nsecond-part',
      ' sk_padded-key ',
      'sk_k\u00e9y-x',
      'sk_\u2603',
    ]) {
      const error = (() => {
        try {
          new FlowClient({ apiKey });
        } catch (e) {
          return e;
        }
      })() as ConfigurationError;
      expect(error, JSON.stringify(apiKey)).toBeInstanceOf(ConfigurationError);
      expect(error.problems.map((p) => p.setting)).toEqual(['apiKey']);
      expect(error.message).toContain('printable ASCII');
      expect(JSON.stringify(error.toJSON())).not.toMatch(/first-part|second-part|padded|k.y-x/);
    }
    expect(new FlowClient({ apiKey: 'ai-spine-dev-key-abc.DEF_123~' }).baseUrl).toBe(
      DEFAULT_BASE_URL,
    );
  });
});
