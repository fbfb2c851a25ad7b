// Helpers shared by the fake agent-sdk's tests (not exported from the package).
import type { FakeAgentSdk } from './fake-agent-sdk.js';

/** One request to the fake: method, JSON body (or raw text), headers; the key unless `key: null`. */
export async function call(
  fake: FakeAgentSdk,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
    key?: string | null;
  } = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const headers: Record<string, string> = { ...init.headers };
  const key = init.key === undefined ? fake.apiKey : init.key;
  if (key !== null) headers['x-api-key'] = key;
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${fake.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** How an SSE read ended: the body ended, the server cut it, or `stop` fired first. */
export type SseOutcome = 'ended' | 'cut' | 'stopped';

/**
 * Read an SSE response until it ends, is cut, or `stop` resolves (then the read is
 * cancelled). `stop` defaults to a 5 s safety net; tests pass an event-based condition.
 */
export async function readSse(
  response: Response,
  stop: Promise<unknown> = new Promise((resolve) => setTimeout(resolve, 5000).unref()),
): Promise<{ events: Record<string, unknown>[]; raw: string; outcome: SseOutcome }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  let stopped = false;
  let outcome: SseOutcome = 'ended';
  void stop.then(() => {
    stopped = true;
    void reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
    }
    if (stopped) outcome = 'stopped';
  } catch {
    outcome = stopped ? 'stopped' : 'cut';
  }
  const events = raw
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);
  return { events, raw, outcome };
}

/** Start a streamed run and return its response (headers read). */
export function streamRun(
  fake: FakeAgentSdk,
  task: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${fake.url}/v1/run/stream`, {
    method: 'POST',
    headers: { 'x-api-key': fake.apiKey, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ task }),
    ...(signal ? { signal } : {}),
  });
}
