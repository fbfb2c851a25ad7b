// Stream a completion in Node against a local fake llama-orch, then cancel one mid-way.
// Run: pnpm exec tsc -b packages/orch-client packages/testing && pnpm exec tsx packages/orch-client/examples/stream-completion.ts
import { OrchClient } from '@uplink/orch-client';
import { startFakeLlamaOrch } from '@uplink/testing';

// `words`: readable fake text (the default, like the real server, answers "Hello world").
const orch = await startFakeLlamaOrch({ streamMode: 'words', tokensPerSecond: 50 });
const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid' });
try {
  const capabilities = await client.getCapabilities();
  console.log('engines:', capabilities.engines.map((e) => e.engine).join(', '));

  const request = {
    model_ref: 'hf:org/repo/model.gguf',
    engine: 'llamacpp',
    ctx: 8192,
    seed: 42,
  } as const;
  const stream = client.streamCompletion({ ...request, max_tokens: 8 });
  for await (const text of stream.textStream) process.stdout.write(text);
  const result = await stream.finalResult();
  console.log(
    `\n${result.tokensOut} tokens, decode ${result.decodeMs} ms, correlation ${result.correlationId}`,
  );

  // Leaving the loop early closes the stream and sends POST /v1/tasks/{id}/cancel.
  const long = client.streamCompletion({ ...request, max_tokens: 1000 });
  let seen = 0;
  for await (const chunk of long) if (chunk.type === 'token' && ++seen === 3) break;
  console.log(
    `stopped after ${seen} tokens; server saw the cancel: ${orch.canceled.has(long.taskId)}`,
  );
} finally {
  await client.close();
  await orch.close();
}
