// A completion the caller only iterates keeps nothing per token; with keepText it keeps the
// text for finalResult(). Heap after a forced GC in a child process, not timing.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UplinkError } from '@uplink/core-schemas';
import { startFakeLlamaOrch } from '@uplink/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchClient } from '../src/index.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./memory/heap-child.ts', import.meta.url));
const request = (max: number) => ({
  model_ref: 'sha256:memory',
  engine: 'llamacpp' as const,
  ctx: 8192,
  seed: 7,
  max_tokens: max,
});

async function heapGrowth(url: string, tokens: number, keep: boolean) {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', child, url, String(tokens), keep ? 'keep' : 'iterate'],
    { timeout: 90_000 },
  );
  const { count, tokensOut, heap } = JSON.parse(stdout) as {
    count: number;
    tokensOut: number;
    heap: number[];
  };
  expect(count).toBe(tokens);
  expect(tokensOut).toBe(tokens);
  return (heap[1] ?? 0) - (heap[0] ?? 0);
}

describe('completion memory', () => {
  it('an iterated completion keeps nothing per token; keepText keeps the text', async () => {
    const tokens = 100_000;
    const orch = await startFakeLlamaOrch({
      streamMode: 'generator',
      releaseOnStreamEnd: true,
      maxStreamTokens: tokens,
    });
    try {
      // 80k tokens lie between the two measures: 8 bytes kept per token would be 640 KB.
      expect(await heapGrowth(orch.url, tokens, false)).toBeLessThan(384 * 1024);
      // The same measure sees the kept text (tens of bytes per token), so it can fail.
      expect(await heapGrowth(orch.url, tokens, true)).toBeGreaterThan(1024 * 1024);
    } finally {
      await orch.close();
    }
  }, 120_000);
});

describe('finalResult() without keepText', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('gives the counts and ids; reading text or tokens throws a typed error saying how to keep them', async () => {
    const orch = await startFakeLlamaOrch({ streamMode: 'generator', releaseOnStreamEnd: true });
    const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });
    close = async () => {
      await client.close();
      await orch.close();
    };
    const stream = client.streamCompletion(request(5));
    let seen = 0;
    for await (const chunk of stream) if (chunk.type === 'token') seen++;
    const result = await stream.finalResult();
    expect(result).toMatchObject({ tokensOut: seen, taskId: stream.taskId, canceled: false });
    expect(() => result.text).toThrow(UplinkError);
    expect(() => result.tokens).toThrow(/keepText: true/);
    // Serialising the result does not throw and does not invent an empty text.
    expect(JSON.parse(JSON.stringify({ ...result, enqueue: undefined }))).not.toHaveProperty(
      'text',
    );
  });

  it('finalResult() alone keeps the text, and so does createCompletion', async () => {
    const orch = await startFakeLlamaOrch({ streamMode: 'generator', releaseOnStreamEnd: true });
    const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });
    close = async () => {
      await client.close();
      await orch.close();
    };
    const alone = await client.streamCompletion(request(6)).finalResult();
    expect(alone.tokens).toHaveLength(alone.tokensOut);
    expect(alone.text).toBe(alone.tokens.join(''));
    const created = await client.createCompletion(request(6));
    expect(created.text).toBe(alone.text);
  });
});
