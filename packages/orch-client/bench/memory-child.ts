// Child process of the memory suite: how many bytes of heap a completion keeps per token while
// the caller only iterates (measured after a forced GC at the last chunk, before the stream
// settles). Usage: node --expose-gc --import tsx memory-child.ts <url> <tokens>
import { OrchClient } from '@uplink/orch-client';

const [url = '', nText = '200000'] = process.argv.slice(2);
const n = Number(nText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const client = new OrchClient({ baseUrl: url, apiKey: 'valid', retry: false });
const request = (maxTokens: number) => ({
  model_ref: 'sha256:bench',
  engine: 'llamacpp' as const,
  ctx: 8192,
  seed: 42,
  max_tokens: maxTokens,
});

async function measure(tokens: number): Promise<number> {
  let count = 0;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  let retained = 0;
  for await (const chunk of client.streamCompletion(request(tokens))) {
    if (chunk.type === 'token' && ++count === tokens) {
      gc?.();
      retained = process.memoryUsage().heapUsed - before;
    }
  }
  if (count !== tokens) throw new Error(`saw ${count} tokens, expected ${tokens}`);
  return retained;
}

await measure(20_000); // warm-up: compiled code and lazy modules are not growth
const retained = await measure(n);
process.stdout.write(JSON.stringify({ bytesPerToken: retained / n, retainedBytes: retained }));
await client.close();
