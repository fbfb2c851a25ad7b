// @uplink/orch-client in a stranger's project: stream a completion from the fake llama-orch.
import assert from 'node:assert/strict';
import { OrchClient } from '@uplink/orch-client';
import { startFakeLlamaOrch } from '@uplink/testing';

const orch = await startFakeLlamaOrch({ tokensPerSecond: 1000 });
const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid' });
try {
  const stream = client.streamCompletion({
    model_ref: 'hf:org/repo/model.gguf',
    engine: 'llamacpp',
    ctx: 8192,
    seed: 42,
    max_tokens: 5,
  });
  const tokens = [];
  for await (const text of stream.textStream) tokens.push(text);
  const result = await stream.finalResult();
  // The fake streams what the real default build streams (its canned answer), not max_tokens.
  assert.ok(tokens.length > 0);
  assert.equal(result.tokensOut, tokens.length);
  console.log(`orch-client: streamed ${tokens.length} tokens from the fake llama-orch`);
} finally {
  await client.close();
  await orch.close();
}
