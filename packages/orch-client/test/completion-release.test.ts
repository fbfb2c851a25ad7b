// A completion that was let go releases what it holds at once, whether or not anything still
// reads it; and its result always settles.
import { getEventListeners } from 'node:events';
import { AbortError } from '@uplink/core-schemas';
import { type FakeLlamaOrch, startFakeLlamaOrch } from '@uplink/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CompletionRequest, OrchClient } from '../src/index.js';

let orch: FakeLlamaOrch | undefined;
afterEach(async () => {
  await orch?.close();
  orch = undefined;
});

const request: CompletionRequest = {
  model_ref: 'repo:NousResearch/Meta-Llama-3-8B-Instruct',
  engine: 'llamacpp',
  ctx: 8192,
  seed: 1,
  max_tokens: 500,
  prompt: 'Hello',
};

async function setup() {
  orch = await startFakeLlamaOrch({ streamMode: 'generator', tokensPerSecond: 20 });
  return new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });
}

const cancelled = (taskId: string) =>
  orch!.requests.some((r) => r.method === 'POST' && r.url.endsWith(`/tasks/${taskId}/cancel`));

describe('a completion let go releases what it holds', () => {
  for (const how of ['abort()', 'the caller signal', 'client.close()'] as const) {
    it(`read through a released readable, then ${how}: settles, cancels, unlinks`, async () => {
      const client = await setup();
      const caller = new AbortController();
      const stream = client.streamCompletion(request, { signal: caller.signal });
      const readable = stream.toReadableStream();
      const reader = readable.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain('"type":"started"');
      reader.releaseLock();
      expect(getEventListeners(caller.signal, 'abort').length).toBeGreaterThan(0);

      if (how === 'abort()') await stream.abort(new Error('user left'));
      else if (how === 'the caller signal') caller.abort(new Error('user left'));
      else await client.close();

      // Nothing is reading, yet the result settles and the task is cancelled.
      const error = await stream.finalResult().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect(cancelled(stream.taskId)).toBe(true);
      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
      // Whoever reads the bytes next gets the error line, not a clean end.
      const { value } = await readable.getReader().read();
      expect(JSON.parse(new TextDecoder().decode(value))).toMatchObject({
        uplink_error: { name: 'AbortError' },
      });
      await client.close();
    });
  }

  it('a for-await consumer that aborts between reads gets AbortError once the cancel is done', async () => {
    const client = await setup();
    const stream = client.streamCompletion(request);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    void stream.abort();
    await expect(iterator.next()).rejects.toBeInstanceOf(AbortError);
    expect(cancelled(stream.taskId)).toBe(true);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    await client.close();
  });

  it('aborted before it was consumed: nothing sent, the result rejects, the signal is released', async () => {
    const client = await setup();
    const caller = new AbortController();
    const stream = client.streamCompletion(request, { signal: caller.signal });
    await stream.abort();
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(orch!.requests.filter((r) => r.url.includes('/tasks'))).toHaveLength(0);
    await client.close();
  });
});
