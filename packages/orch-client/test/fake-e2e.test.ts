// End to end against FakeLlamaOrch, in each of its stream modes: `upstream` (the real default
// build, byte for byte) and `generator` (the deterministic generator of
// docs/protocols/llama-orch.md §12.2). The client must work with both; only the expected tokens
// differ.
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  PermissionDeniedError,
  RateLimitError,
  StreamError,
} from '@uplink/core-schemas';
import {
  type FakeLlamaOrch,
  type FakeLlamaOrchOptions,
  generateTokens,
  startFakeLlamaOrch,
} from '@uplink/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AdmissionRejectedError,
  type CompletionRequest,
  type CompletionResult,
  OrchClient,
} from '../src/index.js';

const fakes: FakeLlamaOrch[] = [];
const clients: OrchClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const fake of fakes.splice(0)) await fake.close();
});

async function setup(
  fakeOptions: FakeLlamaOrchOptions = {},
  clientOptions: ConstructorParameters<typeof OrchClient>[0] = {},
): Promise<{ orch: FakeLlamaOrch; client: OrchClient }> {
  const orch = await startFakeLlamaOrch(fakeOptions);
  fakes.push(orch);
  const client = new OrchClient({
    baseUrl: orch.url,
    apiKey: 'valid',
    retry: false,
    ...clientOptions,
  });
  clients.push(client);
  return { orch, client };
}

/**
 * The upstream end-to-end request (docs/protocols/llama-orch.md §13.4) with a seed and token
 * count, so its tokens can be checked against the generator's reference outputs (§12.3).
 */
const reference = (seed: number, maxTokens: number): CompletionRequest => ({
  model_ref: 'repo:NousResearch/Meta-Llama-3-8B-Instruct',
  engine: 'llamacpp',
  ctx: 8192,
  seed,
  determinism: 'strict',
  sampler_profile_version: 'v1',
  prompt: 'Write a haiku about GPUs',
  max_tokens: maxTokens,
});

const task = (seed: number, maxTokens: number) => ({
  ...reference(seed, maxTokens),
  workload: 'completion' as const,
  priority: 'interactive' as const,
  deadline_ms: 1000,
});

/** What a mode streams for an admitted request, and what the client makes of it. */
interface ModeOracle {
  mode: 'upstream' | 'generator';
  /** The joined result for `(seed, n)` admitted at queue position `position`. */
  result(
    seed: number,
    n: number,
    engine?: string,
  ): Pick<CompletionResult, 'tokens' | 'tokensOut' | 'reportedTokensOut' | 'decodeMs'> & {
    hasMetrics: boolean;
  };
  /** `started` for `(seed, n)` admitted at `position`. */
  started(
    seed: number,
    n: number,
    position: number,
  ): { queuePosition: number; predictedStartMs: number };
}

const MODES: ModeOracle[] = [
  {
    mode: 'upstream',
    // Every task: "Hello", " world", a metrics frame, end {"decode_time_ms":5,"tokens_out":1}.
    result: () => ({
      tokens: ['Hello', ' world'],
      tokensOut: 2,
      reportedTokensOut: 1,
      decodeMs: 5,
      hasMetrics: true,
    }),
    started: (_seed, _n, position) => ({
      queuePosition: position,
      predictedStartMs: position * 100,
    }),
  },
  {
    mode: 'generator',
    result: (seed, n, engine = 'llamacpp:v1.0.0') => {
      const g = generateTokens(engine, seed, n);
      return {
        tokens: g.tokens,
        tokensOut: n,
        reportedTokensOut: n,
        decodeMs: g.decodeMs,
        hasMetrics: false,
      };
    },
    started: (seed, n) => {
      const g = generateTokens('llamacpp:v1.0.0', seed, n);
      return { queuePosition: g.queuePosition, predictedStartMs: g.predictedStartMs };
    },
  },
];

describe.each(MODES)('OrchClient against FakeLlamaOrch in $mode mode', (oracle) => {
  const { mode } = oracle;
  const start = (
    fake: FakeLlamaOrchOptions = {},
    client: ConstructorParameters<typeof OrchClient>[0] = {},
  ) => setup({ streamMode: mode, ...fake }, client);

  it('reads capabilities, then completes with the tokens this mode streams', async () => {
    const { client } = await start();
    const capabilities = await client.getCapabilities();
    expect(capabilities.api_version).toBe('1.0.0');
    expect(capabilities.engines.map((e) => e.engine)).toContain('llamacpp');
    expect(capabilities.models).toBeUndefined();

    const stream = client.streamCompletion(reference(42, 4), { keepText: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]).toMatchObject({ type: 'started', ...oracle.started(42, 4, 0) });
    const result = await stream.finalResult();
    const expected = oracle.result(42, 4);
    expect(result).toMatchObject({
      tokens: expected.tokens,
      text: expected.tokens.join(''),
      tokensOut: expected.tokensOut,
      reportedTokensOut: expected.reportedTokensOut,
      decodeMs: expected.decodeMs,
      canceled: false,
    });
    expect(result.metrics !== undefined).toBe(expected.hasMetrics);
  });

  it('the same request twice gives the same result', async () => {
    const { client } = await start();
    const a = await client.createCompletion(reference(123456789, 64));
    const b = await client.createCompletion(reference(123456789, 64));
    const stable = (r: typeof a) =>
      JSON.stringify([r.text, r.tokens, r.tokensOut, r.reportedTokensOut, r.decodeMs]);
    expect(stable(b)).toBe(stable(a));
    expect(a.tokens).toEqual(oracle.result(123456789, 64).tokens);
  });

  it('enqueue returns admission, correlation id and budget headers', async () => {
    const { orch, client } = await start();
    const result = await client.enqueueTask(task(1, 2), { correlationId: 'corr-e2e' });
    expect(result.correlationId).toBe('corr-e2e');
    expect(result.admission.task_id).toBe(result.taskId);
    expect(result.budget).toEqual({
      tokensRemaining: 0,
      timeRemainingMs: 600000,
      costRemaining: 0,
    });
    expect(orch.tasks.get(result.taskId)?.request.session_id).toBe(result.sessionId);
    expect(orch.requests.at(-1)?.headers['x-correlation-id']).toBe('corr-e2e');
  });

  it('maps the server sentinels to typed errors with codes and correlation ids', async () => {
    const { client } = await start();
    const base = task(1, 2);
    await expect(client.enqueueTask({ ...base, ctx: -1 })).rejects.toSatisfy(
      (e) =>
        e instanceof BadRequestError &&
        e.code === 'INVALID_PARAMS' &&
        typeof e.correlationId === 'string',
    );
    await expect(client.enqueueTask({ ...base, deadline_ms: 0 })).rejects.toMatchObject({
      code: 'DEADLINE_UNMET',
      status: 400,
    });
    await expect(
      client.enqueueTask({ ...base, model_ref: 'pool-unavailable' }),
    ).rejects.toMatchObject({
      name: 'InternalServerError',
      status: 503,
      code: 'POOL_UNAVAILABLE',
      retriable: true,
    });
    await expect(client.enqueueTask({ ...base, prompt: 'cause-internal' })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    const full = await client
      .enqueueTask({ ...base, expected_tokens: 2_000_000 })
      .catch((e: unknown) => e);
    expect(full).toBeInstanceOf(RateLimitError);
    expect(full).toMatchObject({
      code: 'QUEUE_FULL_DROP_LRU',
      retryAfterMs: 1000,
      policyLabel: 'drop-lru',
    });
    await expect(client.enqueueTask({ ...base, expected_tokens: 1_000_000 })).rejects.toMatchObject(
      { code: 'ADMISSION_REJECT', policyLabel: 'reject' },
    );
  });

  it('rejects the 9th admission on a default server (queue never drains), once', async () => {
    const { orch, client } = await start({}, { retry: { maxRetries: 3 } });
    for (let k = 0; k < 8; k++) await client.enqueueTask(task(1, 1));
    await expect(client.enqueueTask(task(1, 1))).rejects.toBeInstanceOf(AdmissionRejectedError);
    expect(orch.calls['POST /v1/tasks']).toBe(9);
  });

  it('a 503 pool error is retried only with admissionRetry, honouring retry_after_ms', async () => {
    const { orch, client } = await start({}, { retry: { maxRetries: 3 } });
    const unavailable = { ...task(1, 1), model_ref: 'pool-unavailable' };
    await expect(client.enqueueTask(unavailable)).rejects.toMatchObject({ status: 503 });
    expect(orch.calls['POST /v1/tasks']).toBe(1);
    const started = Date.now();
    await expect(
      client.enqueueTask(unavailable, { admissionRetry: { maxRetries: 1 } }),
    ).rejects.toMatchObject({ status: 503 });
    expect(orch.calls['POST /v1/tasks']).toBe(3);
    // The body asked for 1000 ms before a retry.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('v1 auth: no key gives 401, a wrong key 403', async () => {
    const { orch } = await start();
    const none = new OrchClient({ baseUrl: orch.url, retry: false });
    const wrong = new OrchClient({ baseUrl: orch.url, apiKey: 'nope', retry: false });
    clients.push(none, wrong);
    await expect(none.getCapabilities()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(wrong.getCapabilities()).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('v2 routes with Bearer auth, relative stream URLs and a completion', async () => {
    const orch = await startFakeLlamaOrch({ apiVersion: 'v2', token: 'tok-v2', streamMode: mode });
    fakes.push(orch);
    const client = new OrchClient({
      baseUrl: orch.url,
      apiVersion: 'v2',
      token: 'tok-v2',
      retry: false,
    });
    const anonymous = new OrchClient({ baseUrl: orch.url, apiVersion: 'v2', retry: false });
    clients.push(client, anonymous);
    await expect(anonymous.getCapabilities()).rejects.toBeInstanceOf(AuthenticationError);
    expect((await client.getCapabilities()).engines).toHaveLength(4);
    const enq = await client.enqueueTask(task(42, 4));
    expect(enq.streamUrl).toBe(`${orch.url}/v2/tasks/${enq.taskId}/events`);
    const texts: string[] = [];
    for await (const event of client.streamTask(enq.taskId)) {
      if (event.type === 'token') texts.push(event.text);
    }
    expect(texts).toEqual(oracle.result(42, 4).tokens);
    expect(orch.requests.some((r) => r.url === `/v2/tasks/${enq.taskId}/events`)).toBe(true);
  });

  it('sessions and pool control', async () => {
    const { orch, client } = await start();
    expect(await client.getSession('s-1')).toMatchObject({
      ttl_ms_remaining: 600000,
      turns: 0,
      kv_warmth: false,
    });
    await client.deleteSession('s-1');
    expect(orch.sessions.has('s-1')).toBe(false);
    expect(await client.getPoolHealth('pool-0')).toMatchObject({
      live: true,
      ready: true,
      draining: false,
    });
    await client.drainPool('pool-0', { deadlineMs: 5000 });
    expect(await client.getPoolHealth('pool-0')).toMatchObject({ draining: true });
    expect(orch.pools.get('pool-0')?.drain_deadline_ms).toBe(5000);
    await client.reloadPool('pool-1', { modelRef: 'hf:org/repo/file.gguf' });
    await expect(client.reloadPool('pool-1', { modelRef: 'bad' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('a cancel sent before the stream means no token at all', async () => {
    const { client } = await start();
    const enq = await client.enqueueTask(task(42, 4));
    await client.cancelTask(enq.taskId);
    const types = [];
    for await (const event of client.streamTask(enq.taskId)) types.push(event.type);
    expect(types).toEqual(['started', 'end']);
  });

  it('abort() after the first token stops the completion and cancels the task', async () => {
    const { orch, client } = await start({ tokensPerSecond: 20 });
    const stream = client.streamCompletion(reference(3, 50));
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const text of stream.textStream) {
        seen.push(text);
        if (seen.length === 1) void stream.abort();
      }
    })();
    await expect(consumer).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(1);
    expect(orch.canceled.has(stream.taskId)).toBe(true);
  });

  it('tolerates every upstream quirk (decode_time_ms, tokens_out 1, blank lines, microbatches)', async () => {
    const { client } = await start({ quirks: true });
    const result = await client.createCompletion(reference(42, 4));
    const expected = oracle.result(42, 4);
    expect(result.tokens).toEqual(expected.tokens);
    expect(result.tokensOut).toBe(expected.tokens.length);
    expect(result.reportedTokensOut).toBe(1);
    expect(result.decodeMs).toBe(expected.decodeMs);
  });

  it('turns stream error frames and truncation into StreamError', async () => {
    const { client } = await start({ quirks: { endAfterError: true } });
    const coded = await client
      .createCompletion({ ...reference(1, 4), prompt: 'stream-error:WORKER_RESET' })
      .catch((e: unknown) => e);
    expect(coded).toBeInstanceOf(StreamError);
    expect(coded).toMatchObject({ code: 'WORKER_RESET', retriable: true });
    await expect(
      client.createCompletion({ ...reference(1, 4), prompt: 'stream-error' }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_STREAM_ERROR',
    });
    await expect(
      client.createCompletion({ ...reference(1, 4), prompt: 'stream-truncate' }),
    ).rejects.toMatchObject({
      name: 'StreamError',
      code: 'truncated',
    });
  });

  it('the mock adapter stream (started {}) and the default stream both complete', async () => {
    const { orch, client } = await start();
    // An unknown task id gets the server's default "Hello world" stream.
    const events = [];
    for await (const event of client.streamTask('never-admitted')) events.push(event);
    expect(events[0]).toEqual({ type: 'started', queuePosition: 0, predictedStartMs: 0 });
    expect(events.filter((e) => e.type === 'metrics')).toHaveLength(1);
    orch.workerBound = true;
    const result = await client.createCompletion(reference(1, 4));
    expect(result.text).toBe('hello');
  });
});

describe('deterministic generator mode (docs/protocols/llama-orch.md §12, §13.4)', () => {
  it('reproduces the reference tokens of ("llamacpp:v1.0.0", 42, 4)', async () => {
    const { client } = await setup({ streamMode: 'generator' });
    const result = await client.createCompletion(reference(42, 4));
    expect(result.tokens).toEqual(['T0b92', 'Tb5c9', 'T4494', 'T66e3']);
    expect(result).toMatchObject({ tokensOut: 4, reportedTokensOut: 4, decodeMs: 310 });
  });

  it('seeds 1001..1064 run twice with identical results matching the generator', async () => {
    const { client } = await setup({ streamMode: 'generator', queueCapacity: 256 });
    const seeds = Array.from({ length: 64 }, (_, k) => 1001 + k);
    expect(seeds).toHaveLength(64);
    const texts = new Set<string>();
    for (const seed of seeds) {
      const first = await client.createCompletion(reference(seed, 32));
      const second = await client.createCompletion(reference(seed, 32));
      expect(second.text, `seed ${seed}`).toBe(first.text);
      expect(second.decodeMs, `seed ${seed}`).toBe(first.decodeMs);
      expect(first.tokens, `seed ${seed}`).toEqual(
        generateTokens('llamacpp:v1.0.0', seed, 32).tokens,
      );
      texts.add(first.text);
    }
    expect(texts.size).toBe(64);
  });

  it('a different seed gives different tokens', async () => {
    const { client } = await setup({ streamMode: 'generator' });
    const a = await client.createCompletion(reference(123456789, 64));
    const c = await client.createCompletion(reference(123456790, 64));
    expect(c.text).not.toBe(a.text);
  });

  it('a mid-stream cancel through the low-level API: the stream ends with no further token', async () => {
    const { orch, client } = await setup({ streamMode: 'generator', tokensPerSecond: 20 });
    const stream = client.streamCompletion(reference(42, 50));
    let tokens = 0;
    for await (const chunk of stream) {
      if (chunk.type === 'token' && ++tokens === 2) break;
    }
    expect(orch.calls['POST /v1/tasks/{id}/cancel']).toBe(1);
    expect(orch.canceled.has(stream.taskId)).toBe(true);
    await expect(stream.finalResult()).rejects.toMatchObject({ name: 'AbortError' });

    const enq = await client.enqueueTask(task(7, 50));
    const after: string[] = [];
    let canceled = false;
    for await (const event of client.streamTask(enq.taskId)) {
      if (canceled) after.push(event.type);
      if (event.type === 'token' && !canceled) {
        await client.cancelTask(enq.taskId);
        canceled = true;
      }
    }
    expect(after).toEqual(['end']);
  });
});

describe('upstream mode (the real default build)', () => {
  it('the stream starts at the admission position, and every task reads "Hello world"', async () => {
    const { client } = await setup();
    await client.enqueueTask(task(1, 1));
    const stream = client.streamCompletion(reference(99, 500), { keepText: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]).toMatchObject({ type: 'started', queuePosition: 1, predictedStartMs: 100 });
    expect((await stream.finalResult()).text).toBe('Hello world');
  });
});
