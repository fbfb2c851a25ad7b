// Shared by the fake's tests: one call, answered as status, headers and parsed body.
import { request } from 'node:http';
import { onTestFinished } from 'vitest';
import { startFakeSaturn } from './fake-saturn.js';
import type { FakeSaturn, FakeSaturnOptions } from './fake-saturn-types.js';

/** A fake closed when the test ends. */
export async function fakeFor(options: FakeSaturnOptions = {}): Promise<FakeSaturn> {
  const fake = await startFakeSaturn(options);
  onTestFinished(() => fake.close());
  return fake;
}

/** What one request got back. */
export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary members of the body.
  body: any;
}

/** Send one request to the fake (under its mount prefix unless `raw`). */
export async function call(
  fake: FakeSaturn,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const prefix = options.raw ? '' : fake.apiPrefix;
  // A new connection per call (agent: false): the fake drops connections after an unhandled
  // 500, which a pooled client would trip over; the client package tests that on purpose.
  return new Promise<Answer>((resolve, reject) => {
    const req = request(`${fake.url}${prefix}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          body: text ? JSON.parse(text) : undefined,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A valid AgentCreate body. */
export const agentBody = {
  name: 'Support bot',
  type: 'chat',
  model_config: { provider: 'openai', model: 'gpt-4o-mini' },
  behavior_config: { system_prompt: 'Be brief.' },
};
