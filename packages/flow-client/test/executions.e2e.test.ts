import {
  AbortError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  TimeoutError,
} from '@uplink/core-schemas';
import { startFakeAgent } from '@uplink/testing';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  ExecutionError,
  ExecutionNotRunningError,
  FlowClient,
  FlowNotFoundError,
  InvalidArgumentError,
  WaitTimeoutError,
  ZERO_EXECUTION_ID,
} from '../src/index.js';
import { heldAgent, startSpine } from './helpers.js';

const fast = { intervalMs: 5 };

describe('executions against FakeAiSpine with loopback agents', () => {
  it('executeAndWait checks and types output_data with an output schema', async () => {
    const spine = await startSpine({ score: () => ({ score: 0.42 }) });
    const client = new FlowClient({ baseUrl: spine.url });
    const Output = v.object({ step: v.object({ score: v.number() }) });
    const run = await client.executeAndWait('score_flow', {}, { ...fast, output: Output });
    expect(run.output_data.step.score).toBe(0.42);
    const Wrong = v.object({ step: v.object({ score: v.string() }) });
    await expect(
      client.executeAndWait('score_flow', {}, { ...fast, output: Wrong }),
    ).rejects.toMatchObject({ name: 'ResponseValidationError', path: 'step.score' });
  });

  it('executeAndWait with the default schedule: a flow that finishes at once is back well within one interval', async () => {
    const spine = await startSpine({ ok: () => ({ done: true }) });
    const client = new FlowClient({ baseUrl: spine.url });
    const started = performance.now();
    const execution = await client.executeAndWait('ok_flow', {});
    const elapsedMs = performance.now() - started;
    expect(execution.status).toBe('completed');
    // The default interval is 2000 ms; the ramp polls again after 100 ms, then 200 ms.
    expect(elapsedMs).toBeLessThan(2000);
    const polls = spine.requests.filter(
      (r) => r.method === 'GET' && r.url.includes('/executions/'),
    );
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.length).toBeLessThanOrEqual(4);
  });

  it('runs a two-agent flow: merged input, pending at start, output keyed by exit node', async () => {
    const spine = await startSpine();
    const gather = await startFakeAgent({
      agentId: 'gather',
      handler: () => ({ name: 'Ana', income: 30000 }),
    });
    const score = await startFakeAgent({
      agentId: 'score',
      handler: (req) => ({ score: (req.input.income as number) / 100_000, saw: req.input }),
    });
    try {
      spine.registerAgent(gather.info());
      spine.registerAgent(score.info());
      spine.addFlow({
        flow_id: 'loan',
        name: 'Loan',
        description: 'gather then score',
        nodes: [
          { id: 'gather', agent_id: 'gather', type: 'input' },
          {
            id: 'score',
            agent_id: 'score',
            type: 'processor',
            depends_on: ['gather'],
            config: { t: 1 },
          },
        ],
        entry_point: 'gather',
        exit_points: ['score'],
      });
      const client = new FlowClient({ baseUrl: spine.url });
      const started = await client.executeFlow(
        'loan',
        { amount: 50000 },
        { metadata: { source: 'test' }, priority: 3 },
      );
      expect(started.status).toBe('pending');
      const seen: string[] = [];
      const done = await client.waitForExecution(started.execution_id, {
        ...fast,
        onProgress: (e) => seen.push(e.status),
      });
      expect(done.status).toBe('completed');
      expect(done.output_data).toEqual({
        score: { score: 0.3, saw: { amount: 50000, name: 'Ana', income: 30000 } },
      });
      expect(seen.at(-1)).toBe('completed');
      expect(score.calls[0]).toEqual({
        execution_id: started.execution_id,
        node_id: 'score',
        input: { amount: 50000, name: 'Ana', income: 30000 },
        config: { t: 1 },
      });
      const sent = spine.requests.find((r) => r.url === '/api/v1/flows/execute');
      expect(sent?.headers.authorization).toBeUndefined();
      expect(sent?.headers.accept).toContain('application/json');
      expect(sent?.headers['content-type']).toContain('application/json');
    } finally {
      await gather.close();
      await score.close();
    }
  });

  it('turns the 200 + zero-UUID answer for an unknown flow into FlowNotFoundError without polling', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const error = await client.executeAndWait('nope', { a: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as FlowNotFoundError).message).toContain(`Flow 'nope' not found`);
    expect((error as FlowNotFoundError).flowId).toBe('nope');
    expect((error as FlowNotFoundError).status).toBe(200);
    expect(Object.keys(spine.calls).filter((k) => k.startsWith('GET'))).toEqual([]);
    expect(ZERO_EXECUTION_ID).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('throws ExecutionError with the server message when an agent fails, or returns it with throwOnFailure: false', async () => {
    const spine = await startSpine({
      broken: () => {
        throw new Error('model offline');
      },
    });
    const client = new FlowClient({ baseUrl: spine.url });
    const error = await client.executeAndWait('broken_flow', {}, fast).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    const failure = error as ExecutionError;
    expect(failure.status).toBe('failed');
    expect(failure.flowId).toBe('broken_flow');
    expect(failure.message).toContain('failed');
    expect(failure.message).toContain(failure.serverMessage ?? 'missing');
    expect(failure.serverMessage).toMatch(/500/);
    expect(failure.execution?.status).toBe('failed');

    const returned = await client.executeAndWait(
      'broken_flow',
      {},
      { ...fast, throwOnFailure: false },
    );
    expect(returned.status).toBe('failed');
    expect(returned.error_message).toMatch(/500/);
  });

  it('fails the run when an agent is slower than the server timeout', async () => {
    const slow = heldAgent();
    const spine = await startSpine({ slow: slow.handler }, { agentTimeoutMs: 50 });
    const client = new FlowClient({ baseUrl: spine.url });
    try {
      const error = await client.executeAndWait('slow_flow', {}, fast).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecutionError);
      expect((error as ExecutionError).serverMessage).toMatch(/timeout|timed out/i);
    } finally {
      slow.release();
    }
  });

  it('throws WaitTimeoutError with the last execution when the run outlasts timeoutMs', async () => {
    const stuck = heldAgent({ ok: true });
    const spine = await startSpine({ stuck: stuck.handler });
    const client = new FlowClient({ baseUrl: spine.url });
    const { execution_id } = await client.executeFlow('stuck_flow', {});
    // The run is `running` once its agent was called; before that it may still be `pending`.
    await stuck.entered;
    try {
      const error = await client
        .waitForExecution(execution_id, { timeoutMs: 150, intervalMs: 20 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitTimeoutError);
      expect(error).toBeInstanceOf(TimeoutError); // a caller catching TimeoutError catches a wait that ran out of time too
      const timeout = error as WaitTimeoutError;
      expect(timeout.timeout).toBe('wait');
      expect(timeout.timeoutMs).toBe(150);
      expect(timeout.executionId).toBe(execution_id);
      expect(timeout.lastExecution?.status).toBe('running');
      expect(timeout.message).toContain(execution_id);
    } finally {
      stuck.release();
    }
    await expect(client.waitForExecution(execution_id, fast)).resolves.toMatchObject({
      status: 'completed',
    });
  });

  it('aborts a wait through its signal', async () => {
    const held = heldAgent();
    const spine = await startSpine({ held: held.handler });
    const client = new FlowClient({ baseUrl: spine.url });
    const { execution_id } = await client.executeFlow('held_flow', {});
    const controller = new AbortController();
    const waiting = client.waitForExecution(execution_id, {
      intervalMs: 10,
      onProgress: (e) => {
        if (e.status === 'running') controller.abort();
      },
      signal: controller.signal,
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    held.release();
  });

  it('cancels a running execution; the backend race later overwrites cancelled', async () => {
    const long = heldAgent({ late: true });
    const spine = await startSpine({ long: long.handler });
    const client = new FlowClient({ baseUrl: spine.url });
    const { execution_id } = await client.executeFlow('long_flow', {});
    await long.entered; // the agent is being called: the run is `running`
    await expect(client.cancelExecution(execution_id)).resolves.toEqual({
      message: 'Execution cancelled successfully',
    });
    const cancelled = await client.waitForExecution(execution_id, fast);
    expect(cancelled.status).toBe('cancelled');
    long.release();
    await spine.whenSettled(execution_id);
    expect((await client.getExecution(execution_id)).status).toBe('completed');
  });

  it('reports "not running" for a finished execution and NotFoundError for an unknown one', async () => {
    const spine = await startSpine({ quick: () => ({ done: true }) });
    const client = new FlowClient({ baseUrl: spine.url });
    const done = await client.executeAndWait('quick_flow', {}, fast);
    const error = await client.cancelExecution(done.execution_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionNotRunningError);
    expect((error as ExecutionNotRunningError).currentStatus).toBe('completed');
    expect((error as Error).message).toContain('not running (status: completed)');

    const unknown = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
    const missing = await client.cancelExecution(unknown).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).not.toBeInstanceOf(ExecutionNotRunningError);
    await expect(client.getExecution(unknown)).rejects.toThrow(/not found/);
  });

  it('says so when a cancel refused for a pending run finds it running afterwards', async () => {
    const held = heldAgent({});
    // The run stays `pending` until the test starts it: the cancel reaches the server while it
    // is pending (404), and its answer is handed back only once the run has started, so the
    // client's follow-up GET sees `running`.
    const spine = await startSpine({ held: held.handler }, { executionStartDelayMs: 60_000 });
    const client = new FlowClient({
      baseUrl: spine.url,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const url = String(input instanceof Request ? input.url : input);
        if (url.endsWith('/cancel')) {
          spine.startPending(url.split('/').at(-2) ?? '');
          await held.entered;
        }
        return response;
      },
    });
    const { execution_id } = await client.executeFlow('held_flow', {});
    const error = (await client
      .cancelExecution(execution_id)
      .catch((e: unknown) => e)) as ExecutionNotRunningError;
    expect(error).toBeInstanceOf(ExecutionNotRunningError);
    expect(error.currentStatus).toBe('running');
    expect(error.message).toContain('was not running yet when the cancel arrived');
    await expect(client.cancelExecution(execution_id)).resolves.toEqual({
      message: 'Execution cancelled successfully',
    });
    held.release();
  });

  it('checks execution ids locally instead of letting the server answer 422', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const error = await client.getExecution('exec-123').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(
      'Invalid argument: executionId: expected a UUID such as 7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d, received "exec-123"',
    );
    await expect(client.cancelExecution('x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.waitForExecution('x')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(spine.requests).toHaveLength(0);
  });

  it('rejects bad execute arguments before sending', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const error = await client
      .executeFlow('credit_analysis', [] as never, { priority: 11, metadata: 'x' as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).problems.map((p) => p.setting)).toEqual([
      'input',
      'metadata',
      'priority',
    ]);
    await expect(client.executeFlow('bad id!', {})).rejects.toThrow(/flowId/);
    expect(spine.requests).toHaveLength(0);
  });

  it('never retries executeFlow: one request on a 503 and on a dropped connection', async () => {
    const spine = await startSpine(
      {},
      { faults: { routes: { 'POST /api/v1/flows/execute': { serverError: 1 } } } },
    );
    const client = new FlowClient({ baseUrl: spine.url, retry: { maxRetries: 5, baseDelayMs: 1 } });
    await expect(client.executeFlow('credit_analysis', {})).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(spine.requests.filter((r) => r.url === '/api/v1/flows/execute')).toHaveLength(1);

    spine.faults.configure({ routes: { 'POST /api/v1/flows/execute': { drop: 1 } } });
    await expect(client.executeFlow('credit_analysis', {})).rejects.toBeInstanceOf(ConnectionError);
    expect(spine.requests.filter((r) => r.url === '/api/v1/flows/execute')).toHaveLength(2);
    expect(spine.executions.size).toBe(0);
  });

  it('times out an execute attempt once and does not retry it', async () => {
    const spine = await startSpine(
      { ok: () => ({ fine: true }) },
      { faults: { routes: { 'POST /api/v1/flows/execute': { latency: 1, latencyMs: 300 } } } },
    );
    const client = new FlowClient({
      baseUrl: spine.url,
      timeoutMs: 50,
      retry: { maxRetries: 5, baseDelayMs: 1 },
    });
    const error = await client.executeFlow('ok_flow', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('attempt');
    expect(spine.requests.filter((r) => r.url === '/api/v1/flows/execute')).toHaveLength(1);
  });

  it('retries a GET whose answer was cut mid-body, and logs attempts without the key', async () => {
    const lines: string[] = [];
    const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    const logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const spine = await startSpine({ ok: () => ({ fine: true }) }, { apiKeyRequired: true });
    const apiKey = 'sk_log-check-0123456789abcdefghij';
    spine.addUser({ apiKey });
    const client = new FlowClient({
      baseUrl: spine.url,
      apiKey,
      logger,
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const { execution_id } = await client.executeFlow('ok_flow', {});
    await spine.whenSettled(execution_id);
    spine.faults.configure({ routes: { 'GET /api/v1/executions/*': { truncate: 1 } } });
    const cut = await client.getExecution(execution_id).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(ConnectionError);
    expect(spine.faults.stats.truncate).toBe(3);
    spine.faults.configure({});
    await expect(client.getExecution(execution_id)).resolves.toMatchObject({
      status: 'completed',
    });
    expect(lines.some((line) => line.startsWith('debug http retry'))).toBe(true);
    expect(lines.join('\n')).not.toContain(apiKey);
    expect(JSON.stringify((cut as ConnectionError).toJSON())).not.toContain(apiKey);
  });

  it('retries GETs on 503 and polls through transient failures while waiting', async () => {
    const spine = await startSpine({ ok: () => ({ fine: true }) });
    let failures = 0;
    // The first three GETs answer 503, then the real server answers.
    const flaky: typeof fetch = async (input, init) => {
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      if (method === 'GET' && failures < 3) {
        failures++;
        return Response.json({ detail: 'busy' }, { status: 503 });
      }
      return fetch(input, init);
    };
    const client = new FlowClient({ baseUrl: spine.url, retry: false, fetch: flaky });
    const { execution_id } = await client.executeFlow('ok_flow', {});
    await spine.whenSettled(execution_id);
    await expect(client.waitForExecution(execution_id, fast)).resolves.toMatchObject({
      status: 'completed',
    });
    expect(failures).toBe(3);

    failures = 0;
    const retrying = new FlowClient({
      baseUrl: spine.url,
      fetch: flaky,
      retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    await expect(retrying.getExecution(execution_id)).resolves.toMatchObject({
      status: 'completed',
    });
    expect(failures).toBe(3);
  });

  it('ends the wait on a non-transient error', async () => {
    const spine = await startSpine();
    const client = new FlowClient({ baseUrl: spine.url });
    const unknown = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
    await expect(client.waitForExecution(unknown, fast)).rejects.toBeInstanceOf(NotFoundError);
  });
});
