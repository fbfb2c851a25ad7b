import { silentLogger } from '@uplink/http';
import { MockPlatformClient } from '@uplink/testing';
import { startServer } from '@uplink/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelProcesses } from './model-processes.js';
import { type PublicApi, startPublicApi } from './public-api.js';

const deploymentId = '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713';
const userKey = 'dfs_F-xvH1zvbdOiSxErZPsmpuyD1cPWHrAF2rSI1n6K96E';
let api: PublicApi | undefined;
afterEach(() => api?.close());

/** A model server double: echoes what it got, streaming SSE for /compute. */
async function modelDouble(seen: string[] = []) {
  return startServer(async (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url === '/compute') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: token\ndata: {"t":"a","i":0}\n\n`);
      res.end(`event: end\ndata: ${JSON.stringify({ echoed: body })}\n\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, method: req.method, body }));
  });
}

async function start(
  platform: MockPlatformClient,
  running: Record<string, string>,
  options: { agentSecret?: string } = {},
) {
  const models = {
    get: (id: string) => (running[id] ? { url: running[id] } : undefined),
    list: () => Object.keys(running),
  } as unknown as ModelProcesses;
  api = await startPublicApi({ platform, models, logger: silentLogger, ...options });
  return api;
}

describe('satellite public API (docs/protocols/luml.md §14)', () => {
  it('serves /healthz without auth and lists running deployments for an authorised key', async () => {
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, { [deploymentId]: 'http://127.0.0.1:1' });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'healthy' });
    const res = await fetch(`${url}/deployments`, {
      headers: { authorization: `Bearer ${userKey}` },
    });
    expect(await res.json()).toEqual([{ deployment_id: deploymentId }]);
    expect(platform.calls('authorizeInferenceAccess')).toHaveLength(1);
  });

  it('answers 401 without a bearer key, 401 for an unauthorised key, 502 when the platform fails', async () => {
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, {});
    const none = await fetch(`${url}/deployments`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ detail: 'Not authenticated' });
    const wrong = await fetch(`${url}/deployments`, {
      headers: { authorization: 'Bearer dfs_other' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: 'Invalid API key' });
    platform.respond('authorizeInferenceAccess', new Error('platform down'));
    const down = await fetch(`${url}/deployments`, {
      headers: { authorization: `Bearer ${userKey}` },
    });
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({ detail: 'Authorization failed' });
  });

  it('proxies compute to the model server and passes the SSE stream through', async () => {
    const model = await modelDouble();
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, { [deploymentId]: model.url });
    const res = await fetch(`${url}/deployments/${deploymentId}/compute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hi' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(
      `event: token\ndata: {"t":"a","i":0}\n\nevent: end\ndata: ${JSON.stringify({ echoed: '{"prompt":"hi"}' })}\n\n`,
    );
  });

  it('refuses /execute and /health without a key, like /compute; agent routes are off unless configured', async () => {
    const seen: string[] = [];
    const model = await modelDouble(seen);
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const started = await start(platform, { [deploymentId]: model.url });
    const { url } = started;
    const execute = await fetch(`${url}/deployments/${deploymentId}/execute`, {
      method: 'POST',
      body: '{"x":1}',
    });
    expect(execute.status).toBe(401);
    expect(await execute.json()).toEqual({ detail: 'Not authenticated' });
    expect((await fetch(`${url}/deployments/${deploymentId}/health`)).status).toBe(401);
    const agent = await fetch(
      `${url}/deployments/${deploymentId}/agent/${'k'.repeat(43)}/execute`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    expect(agent.status).toBe(404);
    expect(started.agentEndpoint(deploymentId)).toBeUndefined();
    expect(seen).toEqual([]);
    // A LUML user key that may read the deployment reaches it, as on /compute.
    const allowed = await fetch(`${url}/deployments/${deploymentId}/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userKey}` },
      body: '{"x":1}',
    });
    expect(await allowed.json()).toEqual({ path: '/execute', method: 'POST', body: '{"x":1}' });
  });

  it('serves AI Spine (which sends no credentials) on a per-deployment agent key when configured', async () => {
    const model = await modelDouble();
    const platform = new MockPlatformClient();
    const other = '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b714';
    const started = await start(
      platform,
      { [deploymentId]: model.url, [other]: model.url },
      { agentSecret: 'an agent secret of at least 32 characters' },
    );
    const { url } = started;
    const endpoint = started.agentEndpoint(deploymentId) as string;
    expect(endpoint).toMatch(
      new RegExp(`^${url}/deployments/${deploymentId}/agent/[A-Za-z0-9_-]{43}$`),
    );
    const res = await fetch(`${endpoint}/execute`, { method: 'POST', body: '{"x":1}' });
    expect(await res.json()).toEqual({ path: '/execute', method: 'POST', body: '{"x":1}' });
    const health = await fetch(`${endpoint}/health`);
    expect(await health.json()).toMatchObject({ path: '/health', method: 'GET' });
    // Another deployment's key, or a made-up one, opens nothing.
    const otherKey = String(started.agentEndpoint(other)).split('/').at(-1);
    for (const key of [otherKey, 'k'.repeat(43), 'short']) {
      const refused = await fetch(`${url}/deployments/${deploymentId}/agent/${key}/execute`, {
        method: 'POST',
        body: '{}',
      });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ detail: 'Invalid agent key' });
    }
    platform.expectNotCalled('authorizeInferenceAccess');
  });

  it('refuses an agent secret too short to derive keys from', async () => {
    await expect(
      start(new MockPlatformClient(), {}, { agentSecret: 'short' }),
    ).rejects.toMatchObject({ name: 'ConfigurationError' });
  });

  it('answers 500 for a deployment not running here, 405 and 404 for wrong routes', async () => {
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, {});
    const res = await fetch(`${url}/deployments/${deploymentId}/compute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userKey}` },
      body: '{}',
    });
    expect(res.status).toBe(500);
    expect((await res.json()).detail).toMatch(
      /^Compute failed: deployment '.*' is not running here$/,
    );
    expect((await fetch(`${url}/deployments/${deploymentId}/compute`)).status).toBe(405);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it('answers 500 when the model server is unreachable', async () => {
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, { [deploymentId]: 'http://127.0.0.1:9' });
    const res = await fetch(`${url}/deployments/${deploymentId}/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userKey}` },
      body: '{}',
    });
    expect(res.status).toBe(500);
    expect((await res.json()).detail).toMatch(/^Compute failed: /);
  });
});
