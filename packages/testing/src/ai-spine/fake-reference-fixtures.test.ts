import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { startFakeAgent } from './fake-agent.js';
import { startFakeAiSpine } from './fake-ai-spine.js';
import type { FakeAiSpine } from './fake-ai-spine-types.js';

// Replays every wire fixture (fixtures/ai-spine) against the fake: same status, same
// error bodies, and success bodies with the same fields. Ids in paths are replaced by ids the
// fake created, after a setup that brings it into the state the example shows.
const dir = resolve(import.meta.dirname, '../../../../fixtures/ai-spine');
const EID = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';

interface Fixture {
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

type Setup = (fake: FakeAiSpine) => Promise<string | undefined>;

async function runChain(fake: FakeAiSpine, mode: 'complete' | 'fail' | 'cancel' | 'block') {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let entered!: () => void;
  const started = new Promise<void>((r) => {
    entered = r;
  });
  const agent = await startFakeAgent({
    handler: async () => {
      entered();
      if (mode === 'cancel' || mode === 'block') await gate;
      return { decision: 'approved', score: 0.82 };
    },
  });
  onTestFinished(() => agent.close());
  fake.registerAgent(agent.info({ agent_id: 'zoe' }));
  fake.registerAgent(agent.info({ agent_id: 'eddie' }));
  if (mode !== 'fail') {
    fake.registerAgent(agent.info({ agent_id: 'result' }));
    fake.flows.get('credit_analysis')?.nodes.forEach((node) => {
      if (node.id === 'result') node.agent_id = 'result';
    });
  }
  const response = await fetch(`${fake.url}/api/v1/flows/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ flow_id: 'credit_analysis', input_data: { amount: 50000 } }),
  });
  const { execution_id: id } = (await response.json()) as { execution_id: string };
  if (mode === 'cancel' || mode === 'block') {
    await started;
    if (mode === 'cancel') {
      await fetch(`${fake.url}/api/v1/executions/${id}/cancel`, { method: 'POST' });
    }
    onTestFinished(() => release());
    return id;
  }
  await fake.whenSettled(id);
  return id;
}

const setups: Record<string, Setup> = {
  'execute-missing-api-key': async (fake) => {
    fake.apiKeyRequired = true;
    return undefined;
  },
  'execute-invalid-api-key': async (fake) => {
    fake.apiKeyRequired = true;
    return undefined;
  },
  'get-execution-completed': (fake) => runChain(fake, 'complete'),
  'get-execution-failed': (fake) => runChain(fake, 'fail'),
  'get-execution-cancelled': (fake) => runChain(fake, 'cancel'),
  'get-execution-database-mode': (fake) => runChain(fake, 'cancel'),
  'cancel-execution': (fake) => runChain(fake, 'block'),
  'cancel-execution-not-running': (fake) => runChain(fake, 'complete'),
  'list-executions': (fake) => runChain(fake, 'complete'),
  'list-executions-root': (fake) => runChain(fake, 'fail'),
  'execution-results': (fake) => runChain(fake, 'complete'),
  'execution-results-root': (fake) => runChain(fake, 'complete'),
  'list-agents': async (fake) => {
    fake.registerAgent({ agent_id: 'zoe', endpoint: 'http://localhost:8001/zoe' });
    return undefined;
  },
  'get-agent': async (fake) => {
    fake.registerAgent({ agent_id: 'zoe', endpoint: 'http://localhost:8001/zoe' });
    return undefined;
  },
  'delete-agent': async (fake) => {
    fake.registerAgent({ agent_id: 'my-agent', endpoint: 'https://my-agent.example.com' });
    return undefined;
  },
};

/** Served by an agent, not by AI Spine. */
const agentSide = new Set(['agent-execute', 'agent-health']);
/** Bodies with generated ids, timestamps, counts or elided text: compared by shape. */
const byShape = new Set([
  'execute-flow',
  'get-execution-completed',
  'get-execution-failed',
  'get-execution-cancelled',
  'get-execution-database-mode',
  'get-execution-invalid-id',
  'list-executions',
  'list-executions-root',
  'execution-results',
  'execution-results-root',
  'list-flows',
  'get-flow',
  'list-agents',
  'get-agent',
  'create-agent',
  'health',
  'metrics',
  'status',
]);

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .filter((name) => !agentSide.has(name));

function keys(value: unknown): string[] {
  return value && typeof value === 'object' ? Object.keys(value).sort() : [];
}

describe('FakeAiSpine replays the wire fixtures', () => {
  test.each(files)('%s', async (name) => {
    const fixture = JSON.parse(readFileSync(resolve(dir, `${name}.json`), 'utf8')) as Fixture;
    const fake = await startFakeAiSpine();
    onTestFinished(() => fake.close());
    const id = await setups[name]?.(fake);
    const path = id ? fixture.request.path.replace(EID, id) : fixture.request.path;
    const response = await fetch(`${fake.url}${path}`, {
      method: fixture.request.method,
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...fixture.request.headers },
      ...(fixture.request.body === undefined ? {} : { body: JSON.stringify(fixture.request.body) }),
    });
    const body = (await response.json()) as unknown;
    expect(response.status).toBe(fixture.response.status);
    for (const [header, value] of Object.entries(fixture.response.headers)) {
      expect(response.headers.get(header)).toBe(value);
    }
    const expected = JSON.parse(JSON.stringify(fixture.response.body).replaceAll(EID, id ?? EID));
    if (!byShape.has(name)) {
      expect(body).toEqual(expected);
      return;
    }
    expect(keys(body)).toEqual(keys(expected));
    const status = (expected as Record<string, unknown>).status;
    // The database-mode variant shows a cancelled run; the fake keeps it cancelled too.
    if (typeof status === 'string') expect((body as { status: unknown }).status).toBe(status);
    const detail = (expected as { detail?: { type: string; loc: unknown[] }[] }).detail;
    if (Array.isArray(detail)) {
      expect(body).toMatchObject({ detail: detail.map(({ type, loc }) => ({ type, loc })) });
    }
  });
});
