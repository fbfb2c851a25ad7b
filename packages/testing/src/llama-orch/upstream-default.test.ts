// docs/protocols/llama-orch.md §5.3 (no deduplication), §6.5 (the default stream), §11.3 (axum/serde
// rejections): the fake's default behaviour is the real default build's, byte for byte.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeLlamaOrch, startFakeLlamaOrch } from './fake-llama-orch.js';
import type { FakeLlamaOrchOptions } from './options.js';

const V1 = { 'x-api-key': 'valid', 'content-type': 'application/json' };
let fake: FakeLlamaOrch | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const start = async (options: FakeLlamaOrchOptions = {}): Promise<FakeLlamaOrch> => {
  fake = await startFakeLlamaOrch(options);
  return fake;
};

const task = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  task_id: id,
  session_id: 's-1',
  workload: 'completion',
  model_ref: 'model0',
  engine: 'llamacpp',
  ctx: 0,
  priority: 'interactive',
  seed: 42,
  max_tokens: 4,
  deadline_ms: 30000,
  ...extra,
});

const post = (body: string, headers: Record<string, string> = V1) =>
  fetch(`${fake!.url}/v1/tasks`, { method: 'POST', headers, body });
const enqueue = (body: unknown) => post(JSON.stringify(body));

/** The real default build's answer to an admitted task, as serde_json writes it (§6.5). */
const upstreamBody = (position: number): string =>
  `event: started\ndata: {"predicted_start_ms":${position * 100},"queue_position":${position}}\n\n` +
  'event: token\ndata: {"i":0,"t":"Hello"}\n\n' +
  'event: token\ndata: {"i":1,"t":" world"}\n\n' +
  'event: metrics\ndata: {"cost_budget_remaining":0.0,"kv_warmth":false,"on_time_probability":0.99,"queue_depth":1,"time_budget_remaining_ms":600000,"tokens_budget_remaining":0}\n\n' +
  'event: end\ndata: {"decode_time_ms":5,"tokens_out":1}\n\n';

describe('the real default build is the default mode', () => {
  it('answers every admitted task with the canned stream, whatever the seed', async () => {
    await start();
    await enqueue(task('a', { seed: 1 }));
    await enqueue(task('b', { seed: 2, max_tokens: 64 }));
    const res = await fetch(`${fake!.url}/v1/tasks/b/stream`, { headers: V1 });
    const body = await res.text();
    expect(body).toBe(upstreamBody(1));
    // The server builds the whole body before it answers: a String body, so a Content-Length.
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBeNull();
    expect(fake!.transcripts.get('b')?.map((f) => f.event)).toEqual([
      'started',
      'token',
      'token',
      'metrics',
      'end',
    ]);
    // A completed stream clears the admission record: the same id now starts at 0/0.
    const again = await (await fetch(`${fake!.url}/v1/tasks/b/stream`, { headers: V1 })).text();
    expect(again).toBe(upstreamBody(0));
    expect(createHash('sha256').update(upstreamBody(0)).digest('hex')).toHaveLength(64);
  });

  it('a cancel before the stream gives started and the canned end', async () => {
    await start({ streamMode: 'upstream' });
    await enqueue(task('c'));
    await fetch(`${fake!.url}/v1/tasks/c/cancel`, { method: 'POST', headers: V1 });
    const body = await (await fetch(`${fake!.url}/v1/tasks/c/stream`, { headers: V1 })).text();
    expect(body).toBe(
      'event: started\ndata: {"predicted_start_ms":0,"queue_position":0}\n\n' +
        'event: end\ndata: {"decode_time_ms":5,"tokens_out":1}\n\n',
    );
  });

  it('keeps the deterministic generator as another mode (the 279-byte reference)', async () => {
    await start({ streamMode: 'generator' });
    await enqueue(task('g'));
    const body = await (await fetch(`${fake!.url}/v1/tasks/g/stream`, { headers: V1 })).text();
    expect(createHash('sha256').update(body).digest('hex')).toBe(
      'ec6b49d759eb1981fbb769fffea66b2d865959ca696b9f2a2c35bb2fb8c1e04a',
    );
  });
});

describe('a re-posted task_id is admitted again (the server has no deduplication)', () => {
  it('takes a second slot, and the second 202 reports the first entry position', async () => {
    await start({ queueCapacity: 3 });
    expect((await enqueue(task('a'))).status).toBe(202);
    expect((await enqueue(task('b'))).status).toBe(202);
    const again = await enqueue(task('a'));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({
      task_id: 'a',
      queue_position: 0,
      predicted_start_ms: 0,
      backoff_ms: 0,
    });
    expect(fake!.queue.interactive).toEqual(['a', 'b', 'a']);
    const full = await enqueue(task('c'));
    expect(full.status).toBe(429);
  });
});

describe('rejections carry the texts axum and serde_json write', () => {
  it('422: missing field and unknown variant', async () => {
    await start();
    const missing = await post(
      '{"task_id":"t-1","session_id":"s-1","workload":"completion","engine":"llamacpp","ctx":0,"priority":"interactive","max_tokens":1,"deadline_ms":1000}',
    );
    expect(missing.status).toBe(422);
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await missing.text()).toBe(
      'Failed to deserialize the JSON body into the target type: missing field `model_ref` at line 1 column 147',
    );
    const chat = await post(
      '{"task_id":"t-1","session_id":"s-1","workload":"chat","model_ref":"m","engine":"llamacpp","ctx":0,"priority":"interactive","max_tokens":1,"deadline_ms":1000}',
    );
    expect(chat.status).toBe(422);
    expect(await chat.text()).toBe(
      'Failed to deserialize the JSON body into the target type: workload: unknown variant `chat`, expected one of `completion`, `embedding`, `rerank` at line 1 column 53',
    );
    const urgent = await post(
      '{"task_id":"t-1","session_id":"s-1","workload":"completion","model_ref":"m","engine":"llamacpp","ctx":0,"priority":"urgent","max_tokens":1,"deadline_ms":1000}',
    );
    expect(await urgent.text()).toBe(
      'Failed to deserialize the JSON body into the target type: priority: unknown variant `urgent`, expected `interactive` or `batch` at line 1 column 123',
    );
  });

  it('422: wrong types and out-of-range integers', async () => {
    await start();
    const big = await post(
      '{"task_id":"t-1","session_id":"s-1","workload":"completion","model_ref":"m","engine":"llamacpp","ctx":"big","priority":"interactive","max_tokens":1,"deadline_ms":1000}',
    );
    expect(await big.text()).toBe(
      'Failed to deserialize the JSON body into the target type: ctx: invalid type: string "big", expected i32 at line 1 column 107',
    );
    const wide = await post(
      '{"task_id":"t-1","session_id":"s-1","workload":"completion","model_ref":"m","engine":"llamacpp","ctx":3000000000,"priority":"interactive","max_tokens":1,"deadline_ms":1000}',
    );
    expect(await wide.text()).toBe(
      'Failed to deserialize the JSON body into the target type: ctx: invalid value: integer `3000000000`, expected i32 at line 1 column 112',
    );
    const list = await post('[1]');
    expect(list.status).toBe(422);
    expect(await list.text()).toBe(
      'Failed to deserialize the JSON body into the target type: [0]: invalid type: integer `1`, expected a string at line 1 column 2',
    );
  });

  it('400: syntax errors and an empty body, with serde_json positions', async () => {
    await start();
    const cut = await post('{"task_id": ');
    expect(cut.status).toBe(400);
    expect(await cut.text()).toBe(
      'Failed to parse the request body as JSON: task_id: EOF while parsing a value at line 1 column 12',
    );
    const empty = await post('');
    expect(await empty.text()).toBe(
      'Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0',
    );
    const comma = await post('{"task_id":"t",}');
    expect(await comma.text()).toBe(
      'Failed to parse the request body as JSON: trailing comma at line 1 column 16',
    );
    const noType = await fetch(`${fake!.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'x-api-key': 'valid' },
      body: '{}',
    });
    expect(noType.status).toBe(415);
    expect(await noType.text()).toBe('Expected request with `Content-Type: application/json`');
  });
});
