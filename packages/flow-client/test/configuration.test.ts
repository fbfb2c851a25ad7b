// The configuration convention: explicit options > AI_SPINE_BASE_URL / AI_SPINE_API_KEY > default.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError, ConnectionError } from '@uplink/core-schemas';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  API_KEY_ENV_VARS,
  BASE_URL_ENV_VARS,
  DEFAULT_BASE_URL,
  FlowClient,
  resolveFlowClientOptions,
} from '../src/index.js';

/** A loopback server answering `/health` and recording each request's headers. */
async function healthServer() {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'healthy', timestamp: 1, startup_complete: true }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('FlowClient configuration', () => {
  it('names its variables', () => {
    expect(BASE_URL_ENV_VARS).toEqual(['AI_SPINE_BASE_URL']);
    expect(API_KEY_ENV_VARS).toEqual(['AI_SPINE_API_KEY']);
  });

  it('takes the host from baseUrl, then AI_SPINE_BASE_URL, then the production default', () => {
    const env = { AI_SPINE_BASE_URL: 'http://from-env.example:8000/' };
    expect(new FlowClient({ baseUrl: 'http://explicit.example', env }).baseUrl).toBe(
      'http://explicit.example',
    );
    expect(new FlowClient({ env }).baseUrl).toBe('http://from-env.example:8000');
    expect(new FlowClient({ env: { AI_SPINE_BASE_URL: '  ' } }).baseUrl).toBe(DEFAULT_BASE_URL);
    expect(new FlowClient({ env: {} }).baseUrl).toBe('https://ai-spine-api.up.railway.app');
  });

  it('reads process.env when no env is given', () => {
    vi.stubEnv('AI_SPINE_BASE_URL', 'http://process-env.example');
    onTestFinished(() => void vi.unstubAllEnvs());
    expect(new FlowClient().baseUrl).toBe('http://process-env.example');
  });

  it('sends the key from apiKey, else from AI_SPINE_API_KEY, else no Authorization header', async () => {
    const server = await healthServer();
    const cases: [ConstructorParameters<typeof FlowClient>[0], string | undefined][] = [
      [{ apiKey: 'sk_explicit', env: { AI_SPINE_API_KEY: 'sk_env' } }, 'Bearer sk_explicit'],
      [{ env: { AI_SPINE_API_KEY: 'sk_env' } }, 'Bearer sk_env'],
      [{ env: {} }, undefined],
    ];
    for (const [options, expected] of cases) {
      await using client = new FlowClient({
        ...options,
        env: { AI_SPINE_BASE_URL: server.url, ...options?.env },
      });
      await client.healthCheck();
      expect(server.seen.at(-1)?.authorization).toBe(expected);
    }
  });

  it('reports a bad value under the variable that held it, never echoing the key', () => {
    const error = (() => {
      try {
        resolveFlowClientOptions({
          env: { AI_SPINE_BASE_URL: 'spine.example.com', AI_SPINE_API_KEY: 'sk_top secret' },
        });
      } catch (caught) {
        return caught as ConfigurationError;
      }
      throw new Error('expected a ConfigurationError');
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.problems.map((p) => p.setting)).toEqual(['AI_SPINE_BASE_URL', 'AI_SPINE_API_KEY']);
    expect(error.message).toContain('got "spine.example.com"');
    expect(error.message).not.toContain('top secret');
  });

  it('names the host it tried when it cannot connect', async () => {
    await using client = new FlowClient({
      env: { AI_SPINE_BASE_URL: 'http://127.0.0.1:9' },
      retry: false,
    });
    const error = await client.healthCheck().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:9\/health: could not connect/,
    );
  });
});
