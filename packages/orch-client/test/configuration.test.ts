// The configuration convention: explicit options > LLAMA_ORCH_BASE_URL > LLAMA_ORCH_URL > default,
// and LLAMA_ORCH_API_KEY sent the way each API generation reads a credential.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError, ConnectionError } from '@uplink/core-schemas';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  API_KEY_ENV_VARS,
  BASE_URL_ENV_VARS,
  DEFAULT_BASE_URL,
  OrchClient,
  resolveOrchClientOptions,
} from '../src/index.js';
import { json, startScriptedServer } from './scripted-server.js';

const capabilities = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, '../../../fixtures/llama-orch/capabilities-v1.json'),
    'utf8',
  ),
).response.body as unknown;

async function capabilitiesServer() {
  const server = await startScriptedServer(() => json(200, capabilities));
  onTestFinished(() => server.close());
  return server;
}

describe('OrchClient configuration', () => {
  it('names its variables', () => {
    expect(BASE_URL_ENV_VARS).toEqual(['LLAMA_ORCH_BASE_URL', 'LLAMA_ORCH_URL']);
    expect(API_KEY_ENV_VARS).toEqual(['LLAMA_ORCH_API_KEY']);
  });

  it('takes the URL from baseUrl, then LLAMA_ORCH_BASE_URL, then LLAMA_ORCH_URL, then loopback', () => {
    const env = {
      LLAMA_ORCH_BASE_URL: 'http://primary.example:8080/',
      LLAMA_ORCH_URL: 'http://alias.example:8080',
    };
    const url = (options: ConstructorParameters<typeof OrchClient>[0]) =>
      new OrchClient(options).baseUrl;
    expect(url({ baseUrl: 'http://explicit.example', env })).toBe('http://explicit.example');
    expect(url({ env })).toBe('http://primary.example:8080');
    expect(url({ env: { ...env, LLAMA_ORCH_BASE_URL: '' } })).toBe('http://alias.example:8080');
    expect(url({ env: {} })).toBe(DEFAULT_BASE_URL);
    expect(DEFAULT_BASE_URL).toBe('http://127.0.0.1:8080');
  });

  it('reads process.env when no env is given', () => {
    vi.stubEnv('LLAMA_ORCH_BASE_URL', '');
    vi.stubEnv('LLAMA_ORCH_URL', 'http://process-env.example');
    onTestFinished(() => void vi.unstubAllEnvs());
    expect(new OrchClient().baseUrl).toBe('http://process-env.example');
  });

  it('sends LLAMA_ORCH_API_KEY as X-API-Key on v1 and as a Bearer token on v2; explicit credentials win', async () => {
    const server = await capabilitiesServer();
    const env = { LLAMA_ORCH_BASE_URL: server.url, LLAMA_ORCH_API_KEY: 'env-key' };
    const sent = async (options: ConstructorParameters<typeof OrchClient>[0]) => {
      await using client = new OrchClient({ env, retry: false, ...options });
      await client.getCapabilities().catch(() => undefined); // v2 answers are not this fixture's shape
      const headers = server.requests.at(-1)?.headers;
      return { key: headers?.['x-api-key'], authorization: headers?.authorization };
    };
    expect(await sent({})).toEqual({ key: 'env-key', authorization: undefined });
    expect(await sent({ apiVersion: 'v2' })).toEqual({
      key: undefined,
      authorization: 'Bearer env-key',
    });
    expect(await sent({ apiKey: 'explicit' })).toEqual({
      key: 'explicit',
      authorization: undefined,
    });
    // An explicit credential of either kind replaces the variable entirely.
    expect(await sent({ token: 'tok' })).toEqual({ key: undefined, authorization: 'Bearer tok' });
    expect(await sent({ env: { LLAMA_ORCH_BASE_URL: server.url } })).toEqual({
      key: undefined,
      authorization: undefined,
    });
  });

  it('reports a bad URL under the variable that held it', () => {
    let error: unknown;
    try {
      resolveOrchClientOptions({ env: { LLAMA_ORCH_URL: 'orch.example:8080' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((p) => p.setting)).toEqual([
      'LLAMA_ORCH_URL',
    ]);
  });

  it('names the host it tried when it cannot connect', async () => {
    const server = await capabilitiesServer();
    const { url } = server;
    await server.close();
    await using client = new OrchClient({ env: { LLAMA_ORCH_URL: url }, retry: false });
    const error = await client.getCapabilities().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`GET ${url}/v1/capabilities: could not connect`);
  });
});
