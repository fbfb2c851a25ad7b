// docs/protocols/llama-orch.md §5.3 (the queue never drains, no deduplication) and §16 (do not auto-retry
// admission 429s): enqueue is sent once, refusals surface at once, lost answers are ambiguous.
import { ConnectionError, RateLimitError, TimeoutError } from '@uplink/core-schemas';
import { type FakeLlamaOrch, startFakeLlamaOrch } from '@uplink/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionRejectedError, AmbiguousEnqueueError, OrchClient } from '../src/index.js';
import { json, type ScriptedServer, startScriptedServer } from './scripted-server.js';

const fakes: FakeLlamaOrch[] = [];
const clients: OrchClient[] = [];
const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const fake of fakes.splice(0)) await fake.close();
  for (const server of servers.splice(0)) await server.close();
});

const request = {
  workload: 'completion' as const,
  model_ref: 'model0',
  engine: 'llamacpp' as const,
  ctx: 8192,
  priority: 'interactive' as const,
  max_tokens: 2,
  deadline_ms: 30_000,
};

async function fake(options: Parameters<typeof startFakeLlamaOrch>[0] = {}) {
  const orch = await startFakeLlamaOrch(options);
  fakes.push(orch);
  // Default transport options on purpose: the client's own retry policy is what is under test.
  const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid' });
  clients.push(client);
  return { orch, client };
}

const posts = (orch: FakeLlamaOrch): number =>
  orch.requests.filter((r) => r.method === 'POST' && r.url === '/v1/tasks').length;

describe('a full-queue 429 is surfaced at once', () => {
  it('the 9th admission on a default server fails on its first answer, with the hints', async () => {
    const { orch, client } = await fake();
    for (let k = 0; k < 8; k++) await client.enqueueTask(request);
    const started = performance.now();
    const error = await client
      .enqueueTask({ ...request, task_id: 'ninth' })
      .catch((e: unknown) => e);
    const elapsedMs = performance.now() - started;

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      name: 'AdmissionRejectedError',
      status: 429,
      code: 'ADMISSION_REJECT',
      retriable: true,
      retryAfterMs: 1000,
      backoffMs: 1000,
      policyLabel: 'reject',
      taskId: 'ninth',
    });
    expect(posts(orch)).toBe(9);
    // One round trip on loopback, not the one-second waits a retry would honour.
    expect(elapsedMs).toBeLessThan(500);
  });

  it('admission retry is opt-in, bounded, and honours the server hint', async () => {
    let calls = 0;
    const server = await startScriptedServer((req) => {
      const body = JSON.parse(req.body || '{}') as { task_id?: string };
      if (calls++ < 2) {
        return json(
          429,
          {
            code: 'ADMISSION_REJECT',
            message: 'queue full policies applied',
            engine: 'llamacpp',
            retriable: true,
            retry_after_ms: 30,
            policy_label: 'reject',
          },
          { 'retry-after': '1', 'x-backoff-ms': '30' },
        );
      }
      return json(202, {
        task_id: body.task_id,
        queue_position: 0,
        predicted_start_ms: 0,
        backoff_ms: 0,
      });
    });
    servers.push(server);
    const client = new OrchClient({ baseUrl: server.url });
    clients.push(client);

    const refused = await client
      .enqueueTask(request, { admissionRetry: { maxRetries: 1 } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdmissionRejectedError);
    expect(server.requests).toHaveLength(2);

    calls = 0;
    const started = performance.now();
    const admitted = await client.enqueueTask(request, { admissionRetry: { maxRetries: 2 } });
    expect(admitted.admission.task_id).toBe(admitted.taskId);
    expect(server.requests).toHaveLength(5);
    // X-Backoff-Ms (30 ms) is the precise hint; Retry-After (1 s) is its rounded-up twin.
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(performance.now() - started).toBeLessThan(900);
    const ids = server.requests.slice(2).map((r) => JSON.parse(r.body).task_id);
    expect(new Set(ids).size).toBe(1);
  });
});

describe('an enqueue whose answer is lost is never re-sent', () => {
  it.each([
    ['the 202 is dropped after admission', 'lostResponse'],
    ['the 202 body is cut short', 'truncate'],
  ] as const)('%s: AmbiguousEnqueueError, one POST, one queue slot', async (_, fault) => {
    const { orch, client } = await fake({
      faults: { routes: { 'POST /v1/tasks': { [fault]: 1 } } },
    });
    const error = await client
      .enqueueTask({ ...request, task_id: 'lost-1', session_id: 's-lost' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toBeInstanceOf(AmbiguousEnqueueError);
    expect(error).toMatchObject({ taskId: 'lost-1', sessionId: 's-lost' });
    expect((error as Error).message).toMatch(/may have admitted task lost-1/);
    expect((error as Error).message).toMatch(/do not send it again/i);
    expect(posts(orch)).toBe(1);
    expect(orch.queue.size).toBe(1);
  });

  it('a timed-out enqueue is ambiguous too, and is not re-sent', async () => {
    const orch = await startFakeLlamaOrch({
      faults: { routes: { 'POST /v1/tasks': { latency: 1, latencyMs: 300 } } },
    });
    fakes.push(orch);
    const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', timeoutMs: 50 });
    clients.push(client);
    const error = await client.enqueueTask({ ...request, task_id: 'slow-1' }).catch((e) => e);
    expect(error).toBeInstanceOf(AmbiguousEnqueueError);
    expect((error as AmbiguousEnqueueError).cause).toBeInstanceOf(TimeoutError);
    expect(posts(orch)).toBe(1);
  });

  it('a completion whose enqueue answer is lost fails with the task id and sends one POST', async () => {
    const { orch, client } = await fake({
      faults: { routes: { 'POST /v1/tasks': { lostResponse: 1 } } },
    });
    const stream = client.streamCompletion({ ...request, task_id: 'lost-2' });
    await expect(stream.finalResult()).rejects.toMatchObject({
      name: 'AmbiguousEnqueueError',
      taskId: 'lost-2',
    });
    expect(posts(orch)).toBe(1);
    expect(orch.queue.size).toBe(1);
    // It may be admitted, so the completion still tells the server to stop it.
    expect(orch.canceled.has('lost-2')).toBe(true);
  });

  it('a refused connection is not ambiguous: nothing was sent', async () => {
    const orch = await startFakeLlamaOrch();
    const url = orch.url;
    await orch.close();
    const client = new OrchClient({ baseUrl: url, apiKey: 'valid', retry: false });
    clients.push(client);
    const error = await client.enqueueTask(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(AmbiguousEnqueueError);
  });
});
