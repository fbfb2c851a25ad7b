// Run by let-go.test.ts in a child process, against a fake llama-orch in the parent: read part
// of a completion (or a task stream) through one path, let go, and end. The process must then
// exit on its own (nothing here calls process.exit): a timer, a listener, a socket or a read
// the stream still held would keep it alive.
import { getEventListeners } from 'node:events';
import { completionStreamFromReadableStream, OrchClient } from '../../src/index.js';

const [mode = '', baseUrl = ''] = process.argv.slice(2);
const client = new OrchClient({ baseUrl, apiKey: 'valid', retry: false });
const caller = new AbortController();
const request = (maxTokens = 1000) => ({
  model_ref: 'repo:NousResearch/Meta-Llama-3-8B-Instruct',
  engine: 'llamacpp' as const,
  ctx: 8192,
  seed: 1,
  max_tokens: maxTokens,
  prompt: 'Hello',
  // Far past the bound of the test: a deadline timer left behind would keep the process alive.
  deadline_ms: 600_000,
});
const completion = (maxTokens?: number) =>
  client.streamCompletion(request(maxTokens), { signal: caller.signal });
/** Read through a reader until the first token, then release the lock. */
async function readOneToken(readable: ReadableStream<unknown>): Promise<void> {
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended before a token');
    const text =
      value instanceof Uint8Array ? new TextDecoder().decode(value) : JSON.stringify(value);
    if (text.includes('"token"')) break;
  }
  reader.releaseLock();
}

switch (mode) {
  case 'break':
    for await (const chunk of completion()) if (chunk.type === 'token') break;
    break;
  case 'text-break':
    for await (const _ of completion().textStream) break;
    break;
  case 'abort': {
    const stream = completion();
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await stream.abort();
    break;
  }
  case 'release-cancel': {
    const readable = completion().toReadableStream();
    await readOneToken(readable);
    await readable.cancel();
    break;
  }
  case 'object-release-cancel': {
    const readable = completion().toObjectStream();
    await readOneToken(readable);
    await readable.cancel();
    break;
  }
  case 'text-release-cancel': {
    const readable = completion().toTextStream();
    const reader = readable.getReader();
    await reader.read();
    reader.releaseLock();
    await readable.cancel();
    break;
  }
  case 'release-abort': {
    const stream = completion();
    await readOneToken(stream.toReadableStream());
    await stream.abort();
    break;
  }
  case 'release-signal': {
    await readOneToken(completion().toReadableStream());
    caller.abort();
    break;
  }
  case 'release-close': {
    await readOneToken(completion().toReadableStream());
    break; // the client is closed below, as in every mode
  }
  case 'end': {
    const stream = completion(3);
    for await (const _ of stream) {
      // Reading to the end.
    }
    await stream.finalResult();
    break;
  }
  case 'relay': {
    // The browser side of a relay: read a token from the bytes, then stop.
    const relayed = completionStreamFromReadableStream(completion().toResponse().body!, {
      signal: caller.signal,
    });
    for await (const chunk of relayed) if (chunk.type === 'token') break;
    break;
  }
  case 'task-break': {
    const enqueued = await client.enqueueTask({
      ...request(),
      workload: 'completion',
      priority: 'interactive',
    });
    for await (const event of client.streamTask(enqueued.taskId, { signal: caller.signal }))
      if (event.type === 'token') break;
    await client.cancelTask(enqueued.taskId);
    break;
  }
  case 'task-abort': {
    const enqueued = await client.enqueueTask({
      ...request(),
      workload: 'completion',
      priority: 'interactive',
    });
    const stream = client.streamTask(enqueued.taskId, { signal: caller.signal });
    await stream[Symbol.asyncIterator]().next();
    stream.abort();
    await client.cancelTask(enqueued.taskId);
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}

await client.close();
const listeners = getEventListeners(caller.signal, 'abort').length;
if (listeners > 0) {
  console.error(`${mode}: ${listeners} listener(s) left on the caller's signal`);
  process.exitCode = 1;
}
console.log(`${mode}: let go`);
setTimeout(
  () => {
    console.error(
      `${mode}: still alive, holding ${JSON.stringify(process.getActiveResourcesInfo())}`,
    );
  },
  Number(process.env.LET_GO_REPORT_MS ?? 8_000),
).unref();
