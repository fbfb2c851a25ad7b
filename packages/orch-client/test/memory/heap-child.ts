// Child process of completion-memory.test.ts (run with --expose-gc): one completion of `n`
// tokens from the FakeLlamaOrch at `url` (in the parent, so its state is not counted here),
// iterated; prints the heap in use after a forced GC at 10% and at 90% of the tokens. `keep`
// passes keepText: true (the text is then kept, on purpose).
import { OrchClient } from '../../src/index.js';

const url = process.argv[2] ?? '';
const n = Number(process.argv[3] ?? '100000');
const keep = process.argv[4] === 'keep';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const client = new OrchClient({ baseUrl: url, apiKey: 'valid', retry: false });
const heap: number[] = [];
let count = 0;
const stream = client.streamCompletion(
  { model_ref: 'sha256:memory', engine: 'llamacpp', ctx: 8192, seed: 7, max_tokens: n },
  { keepText: keep },
);
for await (const chunk of stream) {
  if (chunk.type !== 'token') continue;
  count++;
  if (count === n / 10 || count === (n / 10) * 9) {
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
}
const result = await stream.finalResult();
await client.close();
process.stdout.write(JSON.stringify({ count, tokensOut: result.tokensOut, heap }));
