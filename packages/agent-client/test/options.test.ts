// The configuration convention: explicit options, else SATURN_* environment variables; one
// ConfigurationError listing every problem, never showing the credential.
import { AbortError, ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { AgentClient, InvalidArgumentError } from '../src/index.js';
import { clientFor, fakeSaturn, rejection } from './helpers.js';

const problemsOf = (build: () => unknown): string[] => {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems.map((p) => `${p.setting}: ${p.message}`);
  }
  throw new Error('expected a ConfigurationError');
};

describe('options and environment', () => {
  it('reads SATURN_BASE_URL and SATURN_API_KEY, then SATURN_TOKEN; explicit options win', async () => {
    const fake = await fakeSaturn();
    const key = fake.addApiKey({ scopes: ['*'] });
    const jwt = fake.userToken();
    const fromKey = new AgentClient({
      env: { SATURN_BASE_URL: `${fake.url}/`, SATURN_API_KEY: key, SATURN_TOKEN: jwt },
    });
    expect(fromKey.baseUrl).toBe(fake.url);
    expect((await fromKey.getApiKeyInfo()).scopes).toEqual(['*']);
    const fromToken = new AgentClient({
      env: { SATURN_BASE_URL: fake.url, SATURN_API_KEY: ' ', SATURN_TOKEN: jwt },
    });
    expect((await fromToken.getMe()).role).toBe('admin');
    const explicit = new AgentClient({
      baseUrl: fake.url,
      token: jwt,
      env: { SATURN_BASE_URL: 'http://127.0.0.1:9', SATURN_API_KEY: key },
    });
    expect((await explicit.getMe()).company_id).toBe(fake.companyId);
    const anonymous = new AgentClient({ baseUrl: fake.url, env: {} });
    expect(await anonymous.getHealth()).toEqual({ status: 'ok' });
    expect(fake.requests.at(-1)?.headers.authorization).toBeUndefined();
    await Promise.all([fromKey, fromToken, explicit, anonymous].map((c) => c.close()));
  });

  it('lists every problem at once and never echoes a credential', () => {
    const secret = 'eyJhbGciOiJIUzI1NiJ9 has a space';
    const problems = problemsOf(
      () =>
        new AgentClient({
          env: { SATURN_API_KEY: secret },
          apiPrefix: 'api/v1',
          maxResponseBytes: -1,
          timeoutMs: Number.NaN,
          capabilities: { sessions: 'yes' } as never,
        }),
    );
    expect(problems).toEqual([
      'baseUrl: missing: pass `baseUrl` or set SATURN_BASE_URL (for example http://127.0.0.1:8000)',
      'SATURN_API_KEY: expected printable ASCII without spaces or line breaks (check for a stray newline or whitespace)',
      "apiPrefix: expected '' (SATURN's root mount) or a path such as '/api/v1', got \"api/v1\"",
      'timeoutMs: expected a positive number of milliseconds, got NaN',
      'maxResponseBytes: expected a whole number of bytes > 0 (or Infinity for no limit), got -1',
      'capabilities.sessions: expected true or false',
    ]);
    expect(problems.join('\n')).not.toContain('eyJhbGci');
    expect(problemsOf(() => new AgentClient({ baseUrl: 'ftp://x', env: {} }))[0]).toContain(
      'expected an absolute http(s) URL',
    );
    expect(problemsOf(() => new AgentClient({ env: { SATURN_BASE_URL: 'nope' } }))[0]).toMatch(
      /^SATURN_BASE_URL: /,
    );
    expect(
      problemsOf(() => new AgentClient({ baseUrl: 'http://x', token: 'not-a-jwt', env: {} }))[0],
    ).toContain('expected an sk_ API key or a JWT (three base64url parts separated by dots)');
    expect(
      problemsOf(() => new AgentClient({ baseUrl: 'http://x', token: 5 as never, env: {} })),
    ).toEqual(['token: expected a string or a function, got number']);
    expect(
      problemsOf(() => new AgentClient({ baseUrl: 'http://x', env: 'x' as never }))[0],
    ).toContain('env: expected an object');
  });

  it('calls a token function before every request, and refuses a bad token it returns', async () => {
    const fake = await fakeSaturn();
    const tokens = [
      fake.userToken({ userId: 'first' }),
      fake.userToken({ userId: 'second' }),
      'bad token',
    ];
    const client = clientFor(fake, async () => tokens.shift() ?? '');
    expect((await client.getMe()).user_id).toBe('first');
    expect((await client.getMe()).user_id).toBe('second');
    const error = await rejection(client.getMe());
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(
      'Invalid argument: token: expected printable ASCII without spaces or line breaks (check for a stray newline or whitespace)',
    );
    expect(fake.requests).toHaveLength(2);
  });

  it("aborts with the caller's signal and after close(), sending nothing once closed", async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(client.listAgents({ signal: controller.signal }))).toBeInstanceOf(
      AbortError,
    );
    await client.close();
    await client[Symbol.asyncDispose]();
    expect(await rejection(client.getHealth())).toBeInstanceOf(AbortError);
    expect(fake.requests).toHaveLength(0);
    expect(await rejection(client.getAgent('a', { requestId: 'two words' }))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
