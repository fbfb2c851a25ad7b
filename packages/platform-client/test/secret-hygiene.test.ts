import { inspect } from 'node:util';
import { ResponseValidationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { PlatformClient } from '../src/index.js';
import { DEP, fixture, SECRET, TOKEN } from './fixtures.js';
import { startRecordingServer } from './recording-server.js';

const DECRYPTED = 'sk-proj-live-7d1e0c9b8a7f6e5d4c3b2a1908f7e6d5';
const NOTE = 'an ordinary but private deployment description, 2026';

/** Everything reachable from an error: hidden properties at any depth, its JSON and its causes. */
function everything(error: unknown): string {
  return [
    inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    JSON.stringify(error),
    JSON.stringify((error as { issues?: unknown }).issues ?? null),
  ].join('\n');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
}

describe('no decrypted secret is reachable from a ResponseValidationError', () => {
  const secret = fixture('get-secret').response.body as Record<string, unknown>;

  it('getSecret: a bad field next to the decrypted value', async () => {
    const server = await startRecordingServer(() => ({
      body: { ...secret, value: DECRYPTED, created_at: 17 },
    }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const error = await rejection(client.getSecret(SECRET));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('created_at');
    expect(everything(error)).not.toContain(DECRYPTED);
    expect(everything(error)).not.toContain(TOKEN);
  });

  it('listSecrets: the bad field is the secret itself, or a neighbour in a later item', async () => {
    const server = await startRecordingServer((_req, index) => ({
      body:
        index === 0
          ? [
              { ...secret, value: DECRYPTED },
              { ...secret, value: { nested: DECRYPTED } },
            ]
          : [
              { ...secret, value: DECRYPTED },
              { ...secret, value: DECRYPTED, name: 5 },
            ],
    }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const first = await rejection(client.listSecrets());
    expect(first).toBeInstanceOf(ResponseValidationError);
    expect((first as ResponseValidationError).path).toBe('1.value');
    expect(everything(first)).not.toContain(DECRYPTED);
    const second = await rejection(client.listSecrets());
    expect((second as ResponseValidationError).path).toBe('1.name');
    expect(everything(second)).not.toContain(DECRYPTED);
  });

  it('ordinary bodies keep no values either', async () => {
    const deployment = fixture('get-deployment').response.body as Record<string, unknown>;
    const server = await startRecordingServer(() => ({
      body: { ...deployment, error_message: NOTE, status: 42 },
    }));
    await using client = new PlatformClient({ token: TOKEN, baseUrl: server.url, env: {} });
    const error = await rejection(client.getDeployment(DEP));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('status');
    expect((error as Error).message).toContain('received 42');
    expect(everything(error)).not.toContain(NOTE);
  });
});
