import { parseWire } from '@uplink/core-schemas';
import {
  ExecutionContextSchema,
  ExecutionResponseSchema,
  ExecutionResultsSchema,
} from '@uplink/core-schemas/ai-spine';
import { afterEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import {
  agentReply,
  type FakeAgentHandler,
  type FakeAgentOptions,
  startFakeAgent,
} from './fake-agent.js';
import { startFakeAiSpine } from './fake-ai-spine.js';
import type { FakeAiSpine, FakeAiSpineOptions } from './fake-ai-spine-types.js';

async function spine(options: FakeAiSpineOptions = {}) {
  const fake = await startFakeAiSpine(options);
  onTestFinished(() => fake.close());
  return fake;
}

async function agent(options: FakeAgentOptions) {
  const started = await startFakeAgent(options);
  onTestFinished(() => started.close());
  return started;
}

/** A promise with its resolve, for handing control between a test and an agent. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function execute(fake: FakeAiSpine, flow_id: string, input_data: Record<string, unknown>) {
  const response = await fetch(`${fake.url}/api/v1/flows/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ flow_id, input_data }),
  });
  expect(response.status).toBe(200);
  return parseWire(ExecutionResponseSchema, await response.json());
}

async function getExecution(fake: FakeAiSpine, id: string) {
  const response = await fetch(`${fake.url}/api/v1/executions/${id}`);
  expect(response.status).toBe(200);
  return parseWire(ExecutionContextSchema, await response.json());
}

async function cancel(fake: FakeAiSpine, id: string) {
  const response = await fetch(`${fake.url}/api/v1/executions/${id}/cancel`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** A three-node chain a -> b -> out, with the given handler for b. */
function chain(fake: FakeAiSpine, endpoints: { a: string; b: string; out: string }) {
  fake.registerAgent({ agent_id: 'agent-a', endpoint: endpoints.a, agent_type: 'input' });
  fake.registerAgent({ agent_id: 'agent-b', endpoint: endpoints.b });
  fake.registerAgent({ agent_id: 'agent-out', endpoint: endpoints.out, agent_type: 'output' });
  fake.addFlow({
    flow_id: 'chain',
    name: 'Chain',
    description: 'a -> b -> out',
    entry_point: 'a',
    exit_points: ['out'],
    nodes: [
      { id: 'out', agent_id: 'agent-out', type: 'output', depends_on: ['b'] },
      {
        id: 'b',
        agent_id: 'agent-b',
        type: 'processor',
        depends_on: ['a'],
        config: { timeout: 60 },
      },
      { id: 'a', agent_id: 'agent-a', type: 'input' },
    ],
  });
}

describe('flow execution through real agents', () => {
  test('runs nodes in topological order, merges inputs, keys output by exit node', async () => {
    const fake = await spine();
    const order: string[] = [];
    const zoe = await agent({
      agentId: 'zoe',
      handler: (req) => {
        order.push(req.node_id);
        return { nombre: 'Ana', ingresos: 30000, amount: 1 };
      },
    });
    const eddie = await agent({
      handler: (req) => {
        order.push(req.node_id);
        return { score: 0.82, decision: 'approved' };
      },
    });
    const side = await agent({
      handler: (req) => {
        order.push(req.node_id);
        return { extra: true, decision: 'side' };
      },
    });
    fake.registerAgent(zoe.info({ agent_id: 'zoe' }));
    fake.registerAgent(eddie.info({ agent_id: 'eddie' }));
    fake.registerAgent(side.info({ agent_id: 'side' }));
    fake.addFlow({
      flow_id: 'diamond',
      name: 'Diamond',
      description: 'zoe -> (eddie, side) -> final',
      entry_point: 'zoe',
      exit_points: ['final', 'eddie'],
      nodes: [
        { id: 'final', agent_id: 'side', type: 'output', depends_on: ['eddie', 'side'] },
        {
          id: 'eddie',
          agent_id: 'eddie',
          type: 'processor',
          depends_on: ['zoe'],
          config: { timeout: 60 },
        },
        { id: 'side', agent_id: 'side', type: 'processor', depends_on: ['zoe'] },
        { id: 'zoe', agent_id: 'zoe', type: 'input', config: { max_turns: 5 } },
      ],
    });
    const started = await execute(fake, 'diamond', { amount: 50000, user_query: 'loan' });
    expect(started).toMatchObject({ status: 'pending', error: null, result: null });
    await fake.whenSettled(started.execution_id);

    expect(order).toEqual(['zoe', 'eddie', 'side', 'final']);
    // The agent body of docs/protocols/ai-spine.md §8, exactly: later keys win, only direct deps
    // are merged.
    expect(eddie.calls).toEqual([
      {
        execution_id: started.execution_id,
        node_id: 'eddie',
        input: { amount: 1, user_query: 'loan', nombre: 'Ana', ingresos: 30000 },
        config: { timeout: 60 },
      },
    ]);
    expect(side.calls[1]).toEqual({
      execution_id: started.execution_id,
      node_id: 'final',
      input: { amount: 50000, user_query: 'loan', score: 0.82, decision: 'side', extra: true },
      config: {},
    });
    const done = await getExecution(fake, started.execution_id);
    expect(done.status).toBe('completed');
    expect(done.error_message).toBeNull();
    expect(done.completed_at).toEqual(expect.any(String));
    expect(done.output_data).toEqual({
      final: { extra: true, decision: 'side' },
      eddie: { score: 0.82, decision: 'approved' },
    });
    const results = parseWire(
      ExecutionResultsSchema,
      await (await fetch(`${fake.url}/api/v1/executions/${started.execution_id}/results`)).json(),
    );
    expect(results.execution?.status).toBe('completed');
    expect(results.node_results.map((n) => `${n.node_id}:${n.status}`)).toEqual([
      'zoe:completed',
      'eddie:completed',
      'side:completed',
      'final:completed',
    ]);
    const root = await (
      await fetch(`${fake.url}/executions/${started.execution_id}/results`)
    ).json();
    expect(root).toMatchObject({ execution_id: started.execution_id, count: 4 });
  });

  test('the bundled credit_analysis flow always fails at its agent-less result node', async () => {
    const fake = await spine();
    const zoe = await agent({ handler: () => ({ nombre: 'Ana' }) });
    const eddie = await agent({ handler: () => ({ score: 0.82 }) });
    fake.registerAgent(zoe.info({ agent_id: 'zoe' }));
    fake.registerAgent(eddie.info({ agent_id: 'eddie' }));
    const started = await execute(fake, 'credit_analysis', { amount: 50000 });
    await fake.whenSettled(started.execution_id);
    const failed = await getExecution(fake, started.execution_id);
    expect(failed).toMatchObject({
      status: 'failed',
      output_data: {},
      error_message: "Agent 'None' not found or not active",
    });
    expect(eddie.calls).toHaveLength(1);
  });

  test('a non-2xx agent fails the execution with httpx-like text; later nodes are skipped', async () => {
    const fake = await spine();
    const a = await agent({ handler: () => agentReply({ status: 503, body: { detail: 'down' } }) });
    const b = await agent({});
    chain(fake, { a: a.url, b: b.url, out: b.url });
    const started = await execute(fake, 'chain', {});
    const settled = await fake.whenSettled(started.execution_id);
    expect(settled.status).toBe('failed');
    expect(settled.error_message).toBe(
      `Server error '503 Service Unavailable' for url '${a.url}/execute'\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/503`,
    );
    expect(b.calls).toHaveLength(0);
    expect(settled.node_results.map((n) => n.status)).toEqual(['failed']);
  });

  test('4xx, throwing handlers, non-JSON and non-object outputs all fail the node', async () => {
    const fake = await spine();
    const cases: [FakeAgentHandler, RegExp][] = [
      [() => agentReply({ status: 418 }), /^Client error '418' for url/],
      [
        () => agentReply({ status: 302, headers: { location: '/x' } }),
        /^Redirect response '302 Found'/,
      ],
      [
        () => {
          throw new Error('agent crashed');
        },
        /^Server error '500 Internal Server Error'/,
      ],
      [() => agentReply({ text: '<html>oops</html>' }), /^Expecting value: line 1 column 1/],
      [() => agentReply({ body: { output: [1, 2] } }), /^Agent output must be an object/],
    ];
    for (const [handler, expected] of cases) {
      const bad = await agent({ handler });
      fake.registerAgent({ agent_id: 'solo', endpoint: bad.url });
      fake.addFlow({
        flow_id: 'solo',
        name: 'Solo',
        description: 'one node',
        entry_point: 'n',
        exit_points: ['n'],
        nodes: [{ id: 'n', agent_id: 'solo', type: 'processor' }],
      });
      const started = await execute(fake, 'solo', {});
      const settled = await fake.whenSettled(started.execution_id);
      expect(settled.status).toBe('failed');
      expect(settled.error_message).toMatch(expected);
    }
  });

  test('"status": "error" in a 200 is success; missing output is {}; inactive agents still run', async () => {
    const fake = await spine();
    const a = await agent({
      handler: () => agentReply({ body: { status: 'error', error_message: 'ignored' } }),
    });
    const b = await agent({});
    chain(fake, { a: a.url, b: b.url, out: b.url });
    fake.registerAgent({ agent_id: 'agent-out', endpoint: b.url, is_active: false });
    const started = await execute(fake, 'chain', { k: 'v' });
    const settled = await fake.whenSettled(started.execution_id);
    expect(settled.status).toBe('completed');
    // The default fake agent echoes its input.
    expect(settled.output_data).toEqual({ out: { k: 'v' } });
  });

  test('unregistered agents and unreachable endpoints fail the execution', async () => {
    const fake = await spine();
    const dead = await startFakeAgent();
    await dead.close();
    chain(fake, { a: dead.url, b: dead.url, out: dead.url });
    const first = await fake.whenSettled((await execute(fake, 'chain', {})).execution_id);
    expect(first.status).toBe('failed');
    expect(first.error_message).toBe('All connection attempts failed');
    fake.agents.delete('agent-a');
    const second = await fake.whenSettled((await execute(fake, 'chain', {})).execution_id);
    expect(second.error_message).toBe("Agent 'agent-a' not found or not active");
  });

  test('a slow agent times out after agentTimeoutMs and sees the disconnect', async () => {
    const fake = await spine({ agentTimeoutMs: 100 });
    const aborted = deferred();
    const slow = await agent({
      handler: (_req, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted.resolve();
            reject(new Error('aborted'));
          });
        }),
    });
    chain(fake, { a: slow.url, b: slow.url, out: slow.url });
    const started = await execute(fake, 'chain', {});
    const settled = await fake.whenSettled(started.execution_id);
    expect(settled.status).toBe('failed');
    expect(settled.error_message).toBe(
      `ReadTimeout: no answer from ${slow.url}/execute within 100 ms`,
    );
    await aborted.promise;
    expect(slow.calls).toHaveLength(1);
  });
});

describe('the default agent timeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('is the backend fixed 30 s: a call still open at 29.999 s fails at 30 s', async () => {
    const fake = await spine();
    expect(fake.agentTimeoutMs).toBe(30_000);
    const entered = deferred();
    const slow = await agent({
      handler: (_req, { signal }) =>
        new Promise((_resolve, reject) => {
          entered.resolve();
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    fake.registerAgent({ agent_id: 'slow', endpoint: slow.url });
    fake.addFlow({
      flow_id: 'slow_flow',
      name: 'Slow',
      description: 'one slow agent',
      entry_point: 'step',
      exit_points: ['step'],
      nodes: [{ id: 'step', agent_id: 'slow', type: 'processor' }],
    });
    // Only the timers the runner arms are faked; sockets keep using real I/O.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const started = await execute(fake, 'slow_flow', {});
    await vi.advanceTimersByTimeAsync(0); // the task's start delay (0 ms)
    await entered.promise;
    await vi.advanceTimersByTimeAsync(29_999);
    expect(fake.executions.get(started.execution_id)?.status).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    const settled = await fake.whenSettled(started.execution_id);
    expect(settled.status).toBe('failed');
    expect(settled.error_message).toBe(
      `ReadTimeout: no answer from ${slow.url}/execute within 30000 ms`,
    );
  });
});

describe('cancel semantics (docs/protocols/ai-spine.md §5.2)', () => {
  async function blockedRun(options: FakeAiSpineOptions) {
    const fake = await spine(options);
    const entered = deferred();
    const release = deferred();
    const a = await agent({
      handler: async () => {
        entered.resolve();
        await release.promise;
        return { step: 'a' };
      },
    });
    const rest = await agent({});
    chain(fake, { a: a.url, b: rest.url, out: rest.url });
    const started = await execute(fake, 'chain', { x: 1 });
    await entered.promise;
    return { fake, id: started.execution_id, release, rest };
  }

  test('with the overwrite race (default), cancelled is transient and the run completes', async () => {
    const { fake, id, release, rest } = await blockedRun({});
    expect((await getExecution(fake, id)).status).toBe('running');
    const ok = await cancel(fake, id);
    expect(ok).toEqual({ status: 200, body: { message: 'Execution cancelled successfully' } });
    const cancelled = await getExecution(fake, id);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      error_message: 'Execution cancelled by user',
    });
    expect(cancelled.completed_at).toEqual(expect.any(String));
    const twice = await cancel(fake, id);
    expect(twice).toEqual({
      status: 404,
      body: { detail: `Execution '${id}' not found or not running` },
    });
    release.resolve();
    const settled = await fake.whenSettled(id);
    expect(settled.status).toBe('completed');
    expect(settled.error_message).toBeNull();
    expect(settled.output_data).toEqual({ out: { x: 1, step: 'a' } });
    expect(rest.calls.map((c) => c.node_id)).toEqual(['b', 'out']);
    // Finished runs cannot be cancelled either.
    expect((await cancel(fake, id)).status).toBe(404);
  });

  test('with cancelOverwriteRace off, cancel is final and later nodes do not run', async () => {
    const { fake, id, release, rest } = await blockedRun({ cancelOverwriteRace: false });
    expect(fake.cancelOverwriteRace).toBe(false);
    expect((await cancel(fake, id)).status).toBe(200);
    release.resolve();
    const settled = await fake.whenSettled(id);
    expect(settled.status).toBe('cancelled');
    expect(rest.calls).toHaveLength(0);
    expect((await getExecution(fake, id)).status).toBe('cancelled');
  });

  test('startPending starts a held execution at once, and only one that waits', async () => {
    const fake = await spine({ executionStartDelayMs: 60_000, bundledFlows: false });
    const gate = deferred();
    const step = await agent({
      agentId: 'step',
      handler: async () => {
        await gate.promise;
        return {};
      },
    });
    fake.registerAgent(step.info());
    fake.addFlow({
      flow_id: 'one',
      name: 'one',
      description: 'one step',
      nodes: [{ id: 'step', agent_id: 'step', type: 'processor' }],
      entry_point: 'step',
      exit_points: ['step'],
    });
    const started = await execute(fake, 'one', {});
    expect((await getExecution(fake, started.execution_id)).status).toBe('pending');
    expect(fake.startPending(started.execution_id.toUpperCase())).toBe(true);
    await expect
      .poll(async () => (await getExecution(fake, started.execution_id)).status)
      .toBe('running');
    expect(fake.startPending(started.execution_id)).toBe(false);
    expect(fake.startPending('7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d')).toBe(false);
    gate.resolve();
    expect((await fake.whenSettled(started.execution_id)).status).toBe('completed');
  });

  test('a pending execution (task not started) cannot be cancelled', async () => {
    const fake = await spine({ executionStartDelayMs: 60_000 });
    const started = await execute(fake, 'credit_analysis', {});
    expect((await getExecution(fake, started.execution_id)).status).toBe('pending');
    const answer = await cancel(fake, started.execution_id);
    expect(answer.status).toBe(404);
    await fake.close();
    expect(fake.executions.get(started.execution_id)?.status).toBe('pending');
  });

  test('close() stops running flows without hanging; whenSettled rejects unknown ids', async () => {
    const fake = await startFakeAiSpine();
    const entered = deferred();
    const hang = await agent({
      handler: (_req, { signal }) =>
        new Promise((_resolve, reject) => {
          entered.resolve();
          signal.addEventListener('abort', () => reject(new Error('gone')));
        }),
    });
    chain(fake, { a: hang.url, b: hang.url, out: hang.url });
    const started = await execute(fake, 'chain', {});
    await entered.promise;
    await fake[Symbol.asyncDispose]();
    expect(fake.executions.get(started.execution_id)?.status).toBe('running');
    await expect(fake.whenSettled('7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d')).rejects.toThrow(
      /Unknown execution/,
    );
  });
});

describe('startFakeAgent', () => {
  test('serves /health and 404s other paths; bad JSON is 400', async () => {
    const a = await agent({ agentId: 'eddie' });
    const health = await fetch(`${a.url}/health`);
    expect(await health.json()).toEqual({
      agent_id: 'eddie',
      version: 'v1.0.0',
      capabilities: [],
      ready: true,
    });
    expect(a.healthChecks).toBe(1);
    expect((await fetch(`${a.url}/other`)).status).toBe(404);
    const bad = await fetch(`${a.url}/execute`, { method: 'POST', body: 'nope' });
    expect(bad.status).toBe(400);
    expect(a.calls).toHaveLength(0);
    expect(a.info()).toMatchObject({ agent_id: 'eddie', endpoint: a.url });
  });
});
