// One completion of `n` tokens against the bench's llama-orch, three ways. Each resolves to the
// number of token chunks it saw and throws when that is not `n`.

import { openAIEvents } from '@uplink/bench/peers';
import { OrchClient } from '@uplink/orch-client';
import { createParser } from 'eventsource-parser';

const request = (maxTokens: number) => ({
  model_ref: 'sha256:bench',
  engine: 'llamacpp' as const,
  ctx: 8192,
  seed: 42,
  max_tokens: maxTokens,
});

const expect = (what: string, count: number, n: number): number => {
  if (count !== n) throw new Error(`${what} saw ${count} tokens, expected ${n}`);
  return n;
};

/** Enqueue with fetch, as the raw paths do: the same body streamCompletion sends. */
async function enqueueRaw(
  url: string,
  maxTokens: number,
): Promise<{ taskId: string; headers: Record<string, string> }> {
  const taskId = crypto.randomUUID();
  const headers = { 'x-api-key': 'valid', 'x-correlation-id': crypto.randomUUID() };
  const admitted = await fetch(`${url}/v1/tasks`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...request(maxTokens),
      task_id: taskId,
      session_id: crypto.randomUUID(),
      workload: 'completion',
      priority: 'interactive',
      deadline_ms: 30_000,
    }),
  });
  if (admitted.status !== 202) throw new Error(`enqueue answered ${admitted.status}`);
  await admitted.arrayBuffer();
  return { taskId, headers };
}

/** The floor: fetch, eventsource-parser callbacks, JSON.parse, a type check per token. */
export async function completionRaw(url: string, n: number): Promise<number> {
  const { taskId, headers } = await enqueueRaw(url, n);
  const response = await fetch(`${url}/v1/tasks/${taskId}/stream`, {
    headers: { ...headers, accept: 'text/event-stream' },
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let ended = false;
  const parser = createParser({
    onEvent: (event) => {
      if (ended) return;
      const data = JSON.parse(event.data) as { t: unknown };
      if (event.event === 'token' && typeof data.t === 'string') count++;
      else if (event.event === 'end' || event.event === 'error') ended = true;
    },
  });
  while (!ended) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  await reader.cancel().catch(() => {});
  return expect('raw', count, n);
}

/** openai-node's `Stream` over the task's stream response (enqueued with fetch). */
export async function completionOpenAI(url: string, n: number): Promise<number> {
  const { taskId, headers } = await enqueueRaw(url, n);
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/tasks/${taskId}/stream`, {
    headers: { ...headers, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  let count = 0;
  for await (const item of openAIEvents<{ t: unknown }>(response, controller)) {
    if (item.event === 'token' && typeof item.data.t === 'string') count++;
    else if (item.event === 'end') break;
  }
  return expect('openai Stream', count, n);
}

/** `streamCompletion`, iterated (enqueue through the validating transport included). */
export function completionUplink(url: string): (n: number) => Promise<number> {
  const client = new OrchClient({ baseUrl: url, apiKey: 'valid', retry: false });
  return async (n) => {
    let count = 0;
    for await (const chunk of client.streamCompletion(request(n))) {
      if (chunk.type === 'token') count++;
    }
    return expect('streamCompletion', count, n);
  };
}
