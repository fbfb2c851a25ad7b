import { ApiError } from '@uplink/core-schemas';
import { startFakeLlamaOrch } from '@uplink/testing';
import { describe, expect, it } from 'vitest';
import { OrchClient, type TaskRequestInput } from '../src/index.js';

describe('the llama-orch v1 key `valid` never shreds server messages', () => {
  it('keeps "invalid type" in a 422 from the server, and the key stays out of the error', async () => {
    await using orch = await startFakeLlamaOrch();
    await using client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });
    const bad = {
      task_id: '11111111-1111-4111-8111-111111111111',
      session_id: '22222222-2222-4222-8222-222222222222',
      workload: 'completion',
      model_ref: 'sha256:abc',
      engine: 'llamacpp',
      // serde's answer: `ctx: invalid type: string "big", expected i32 at line 1 column …`.
      ctx: 'big',
      priority: 'interactive',
      max_tokens: 4,
      deadline_ms: 30_000,
    } as unknown as TaskRequestInput;
    const error = await client.enqueueTask(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as Error).message).toContain('ctx: invalid type: string "big", expected i32');
    expect((error as Error).message).not.toContain('[REDACTED]');
    expect(JSON.stringify((error as ApiError).toJSON())).toContain('invalid type');
  });
});
