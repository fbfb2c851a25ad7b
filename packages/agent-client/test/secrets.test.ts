// No credential (API key or JWT, or a part of one) in any log line, error message, or anything
// util.inspect shows of a thrown error, hidden properties and causes included.
import { inspect } from 'node:util';
import { isUplinkError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { AgentClient } from '../src/index.js';
import { agentBody, fakeSaturn, rejection } from './helpers.js';

/** Every secret-looking fragment of a token: the whole, and each JWT segment of 8+ characters. */
const fragments = (token: string): string[] => [
  token,
  ...token.split('.').filter((part) => part.length >= 8),
];

describe('secrets stay out of sight', () => {
  it('in logs, messages, toJSON and util.inspect of every error, for keys and JWTs', async () => {
    const fake = await fakeSaturn();
    const agent = fake.addAgent();
    const tokens = {
      key: fake.addApiKey({ scopes: ['agents:read'] }),
      unknownKey: 'sk_live_never_registered_4242',
      jwt: fake.userToken({ role: 'viewer' }),
      expired: fake.userToken({ expiresInSeconds: -5 }),
    };
    const lines: string[] = [];
    const logger = {
      debug: (m: string, f?: unknown) => lines.push(`${m} ${JSON.stringify(f)}`),
      info: (m: string, f?: unknown) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m: string, f?: unknown) => lines.push(`${m} ${JSON.stringify(f)}`),
      error: (m: string, f?: unknown) => lines.push(`${m} ${JSON.stringify(f)}`),
    };
    const errors: unknown[] = [];
    for (const token of Object.values(tokens)) {
      const client = new AgentClient({ baseUrl: fake.url, token, env: {}, logger });
      for (const call of [
        () => client.createAgent(agentBody),
        () => client.chat(agent.agent_id, 'hi'),
        () => client.getApiKeyInfo(),
        () => client.listDocuments(agent.agent_id),
      ]) {
        const failure = await call().then(
          () => undefined,
          (error: unknown) => error,
        );
        if (failure !== undefined) errors.push(failure);
      }
      await client.close();
    }
    // A connection error, whose cause comes from the runtime.
    const offline = new AgentClient({
      baseUrl: 'http://127.0.0.1:9',
      token: tokens.jwt,
      env: {},
      logger,
      retry: false,
    });
    errors.push(await rejection(offline.listAgents()));
    expect(errors.length).toBeGreaterThanOrEqual(12);
    expect(errors.every(isUplinkError)).toBe(true);
    expect(lines.length).toBeGreaterThan(20);
    const shown = [
      ...lines,
      ...errors.flatMap((error) => [
        String(error),
        JSON.stringify(error),
        inspect(error, { showHidden: true, depth: 20 }),
      ]),
    ].join('\n');
    // The requests did carry the credentials, so the checks below can fail.
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${tokens.jwt}`)).toBe(
      true,
    );
    for (const token of Object.values(tokens)) {
      for (const fragment of fragments(token)) expect(shown).not.toContain(fragment);
    }
    expect(shown).toContain('SATURN 500 INTERNAL_ERROR');
  });

  it('and the client object shows no credential either', () => {
    const token = 'sk_live_client_inspect_0001';
    const client = new AgentClient({ baseUrl: 'http://127.0.0.1:9', token, env: {} });
    expect(inspect(client, { showHidden: true, depth: 20 })).not.toContain(token);
    expect(JSON.stringify(client)).not.toContain(token);
  });
});
