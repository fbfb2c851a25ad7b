import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type FakeSaturn,
  type FakeSaturnOptions,
  type RunningServer,
  startFakeSaturn,
  startServer,
} from '@uplink/testing';
import { onTestFinished } from 'vitest';
import { AgentClient, type AgentClientOptions } from '../src/index.js';

/** A fake SATURN closed when the test ends. */
export async function fakeSaturn(options: FakeSaturnOptions = {}): Promise<FakeSaturn> {
  const fake = await startFakeSaturn(options);
  onTestFinished(() => fake.close());
  return fake;
}

/** A client for `fake` (its prefix, an empty environment), closed when the test ends. */
export function clientFor(
  fake: FakeSaturn,
  token: AgentClientOptions['token'],
  options: AgentClientOptions = {},
): AgentClient {
  const client = new AgentClient({
    baseUrl: fake.url,
    apiPrefix: fake.apiPrefix,
    token,
    env: {},
    ...options,
  });
  onTestFinished(() => client.close());
  return client;
}

/** A valid AgentCreate body. */
export const agentBody = {
  name: 'Support bot',
  type: 'chat',
  model_config: { provider: 'openai', model: 'gpt-4o-mini' },
  behavior_config: { system_prompt: 'Be brief.' },
} as const;

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** One request as a scripted server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback server answering each request with `script`, recording what it saw. */
export async function scriptedServer(
  script: (seen: SeenRequest, res: ServerResponse) => void | Promise<void>,
): Promise<RunningServer & { requests: SeenRequest[] }> {
  const requests: SeenRequest[] = [];
  const server = await startServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const seen = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(seen);
    await script(seen, res);
  });
  onTestFinished(() => server.close());
  return Object.assign(server, { requests });
}

/** Answer JSON with an exact length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
