// App-shaped bundle for the size budget: a browser page that streams a llama-orch completion
// (OrchClient + streamCompletion), as docs/examples/browser-completion does.
import { OrchClient } from '@uplink/orch-client';

const client = new OrchClient({ baseUrl: 'https://orch.example', apiKey: 'key' });
const stream = client.streamCompletion({
  model_ref: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
  prompt: 'Write a haiku about GPUs',
  max_tokens: 64,
});
for await (const chunk of stream) {
  if (chunk.type === 'token') document.body.append(chunk.text);
}
