// A streaming completion in the browser: tokens are appended to the page as they arrive.
// Query parameters: `orch` (server base URL), `key` (X-API-Key), `seed`, `tokens` (max_tokens).
import { OrchClient } from '@uplink/orch-client';

const params = new URLSearchParams(location.search);
const output = document.querySelector<HTMLElement>('#output')!;
const status = document.querySelector<HTMLElement>('#status')!;
const stop = document.querySelector<HTMLButtonElement>('#stop')!;

const client = new OrchClient({
  baseUrl: params.get('orch') ?? 'http://127.0.0.1:8080',
  apiKey: params.get('key') ?? 'valid',
});

async function run(): Promise<void> {
  const stream = client.streamCompletion({
    model_ref: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    engine: 'llamacpp',
    ctx: 8192,
    seed: Number(params.get('seed') ?? 42),
    max_tokens: Number(params.get('tokens') ?? 4),
    prompt: 'Write a haiku about GPUs',
  });
  // Stopping closes the stream and cancels the task on the server (POST …/cancel).
  let stopped = false;
  stop.onclick = () => {
    stopped = true;
    void stream.abort();
  };
  status.textContent = 'streaming';
  try {
    for await (const chunk of stream) {
      if (chunk.type !== 'token') continue;
      const span = document.createElement('span');
      span.className = 'token';
      span.textContent = chunk.text;
      output.append(span);
    }
    const result = await stream.finalResult();
    status.textContent = `done: ${result.tokensOut} tokens, decode ${result.decodeMs ?? '?'} ms`;
    document.body.dataset.status = 'done';
  } catch (error) {
    // Stop aborts the stream: that is the user's choice, not a failure.
    status.textContent = stopped
      ? `stopped after ${output.childElementCount} tokens (task canceled on the server)`
      : `failed: ${error instanceof Error ? error.message : String(error)}`;
    document.body.dataset.status = stopped ? 'stopped' : 'error';
  } finally {
    stop.disabled = true;
  }
}

void run();
